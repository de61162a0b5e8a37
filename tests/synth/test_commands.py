"""``cspersona generate``, through the command line."""

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from cspersona.cli import app
from cspersona.customers.models import Customer
from cspersona.db import migrate
from cspersona.db.engine import make_engine
from tests.conftest import DatabaseFactory

runner = CliRunner()
TINY = "0.02"


def test_generate_writes_a_dataset_and_reports_it_as_json(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["generate", "--scale", TINY, "--out", str(tmp_path / "w"), "--json"]
    )

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    manifest = json.loads((tmp_path / "w" / "manifest.json").read_text())
    assert report["rows"] == {entity: file["rows"] for entity, file in manifest["files"].items()}
    assert report["archetypes"] == dict.fromkeys(report["archetypes"], 1)
    assert (report["seed"], report["format"], report["into_db"]) == (7, "jsonl", False)


def test_generate_defaults_to_the_data_folder(isolated_settings: Path) -> None:
    result = runner.invoke(app, ["generate", "--scale", TINY, "--format", "csv"])

    assert result.exit_code == 0, result.output
    assert (isolated_settings / "data" / "world" / "messages.csv").exists()
    assert "written to" in result.stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--format", "xml"], "error: --format must be jsonl or csv, not 'xml'"),
        (["--scale", "0"], "error: --scale must be above 0"),
        (["--seed", "-3"], "error: --seed must be 0 or more"),
    ],
)
def test_bad_options_give_a_one_line_error(arguments: list[str], message: str) -> None:
    result = runner.invoke(app, ["generate", *arguments])

    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1


def test_generate_refuses_to_overwrite_a_dataset_without_being_asked(tmp_path: Path) -> None:
    out = str(tmp_path / "w")
    runner.invoke(app, ["generate", "--scale", TINY, "--out", out])

    refused = runner.invoke(app, ["generate", "--scale", TINY, "--out", out])
    replaced = runner.invoke(
        app, ["generate", "--scale", TINY, "--out", out, "--overwrite", "--seed", "8"]
    )

    assert refused.exit_code == 2 and "pass --overwrite" in refused.stderr
    assert replaced.exit_code == 0
    assert json.loads((tmp_path / "w" / "manifest.json").read_text())["seed"] == 8


def test_generate_into_db_loads_the_configured_database(database_factory: DatabaseFactory) -> None:
    url = database_factory.create()
    engine = make_engine(url)
    migrate.upgrade(engine)

    result = runner.invoke(
        app,
        ["generate", "--scale", TINY, "--into-db", "--json"],
        env={"CSPERSONA_DATABASE_URL": url},
    )

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["out"] is None and report["into_db"] is True
    with engine.connect() as connection:
        assert (
            connection.scalar(select(func.count()).select_from(Customer))
            == report["rows"]["customers"]
        )
    engine.dispose()


def test_generate_into_an_unmigrated_database_says_how_to_fix_it(isolated_settings: Path) -> None:
    result = runner.invoke(app, ["generate", "--scale", TINY, "--into-db"])

    assert result.exit_code == 1
    assert "run `cspersona db upgrade`" in result.stderr
