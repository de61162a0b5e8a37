import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cspersona.cli import app
from tests.conftest import DatabaseFactory

ROOT = Path(__file__).resolve().parents[2]
WORLD = ROOT / "tests" / "ingest" / "data" / "world"
runner = CliRunner()


@pytest.fixture(scope="module")
def env(database_factory: DatabaseFactory) -> Iterator[dict[str, str]]:
    """One database per backend for this module, migrated and holding the small world."""
    variables = {
        "CSPERSONA_DATABASE_URL": database_factory.create(),
        "CSPERSONA_INGEST_WORKERS": "1",
    }
    assert runner.invoke(app, ["db", "upgrade"], env=variables).exit_code == 0
    assert runner.invoke(app, ["ingest", str(WORLD)], env=variables).exit_code == 0
    yield variables


def ingest_json(env: dict[str, str], *paths: Path) -> dict[str, object]:
    result = runner.invoke(app, ["ingest", *map(str, paths), "--json"], env=env)
    run: dict[str, object] = json.loads(result.stdout)
    return run


def test_ingest_prints_the_summary_table(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["ingest", str(WORLD)], env=env, terminal_width=120)

    assert result.exit_code == 0, result.output
    assert ": completed" in result.stdout.splitlines()[0]
    lines = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if "│" in line}
    assert [cell.strip() for cell in lines["messages"].split("│")[2:6]] == ["9", "0", "9", "0"]


def test_ingest_json_is_the_run(env: dict[str, str]) -> None:
    run = ingest_json(env, WORLD)

    assert run["status"] == "completed" and run["paths"] == [str(WORLD)]
    summary = run["summary"]
    assert isinstance(summary, dict)
    assert summary["entities"]["customers"] == {
        "received": 3,
        "loaded": 0,
        "duplicates": 3,
        "quarantined": 0,
    }


def test_ingest_lists_refused_records_and_problems(env: dict[str, str], tmp_path: Path) -> None:
    usage = tmp_path / "usage_daily.csv"
    usage.write_text("customer_external_id,day\ncus_404,2025-04-01\n", encoding="utf-8")
    (tmp_path / "empty.jsonl").write_text("", encoding="utf-8")

    result = runner.invoke(
        app, ["ingest", str(usage), str(tmp_path / "empty.jsonl")], env=env, terminal_width=300
    )

    assert result.exit_code == 2
    assert "invalid: usage_daily.csv:2: customer 'cus_404' is neither" in result.stdout
    assert "all refused records: cspersona quarantine " in result.stdout
    assert result.stderr == "error: empty.jsonl is empty: there is nothing to import\n"


def test_ingest_of_nothing_readable_is_one_error_line(env: dict[str, str], tmp_path: Path) -> None:
    garbage = tmp_path / "data.csv"
    garbage.write_bytes(bytes(range(256)) * 4)

    result = runner.invoke(app, ["ingest", str(garbage)], env=env)

    assert result.exit_code == 2
    assert result.stderr.startswith("error: data.csv is binary data, not text")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output


def test_quarantine_csv_escapes_formulas(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "messages.csv"
    path.write_text(
        "external_id,interaction_external_id,seq,author_role,sent_at,text\n"
        "=1+2,int_404,0,customer,2025-04-10T15:00:00Z,hello\n",
        encoding="utf-8",
    )
    run = ingest_json(env, path)

    result = runner.invoke(app, ["quarantine", str(run["id"]), "--csv"], env=env)

    assert result.exit_code == 0, result.output
    header, row = list(csv.reader(io.StringIO(result.stdout)))
    assert header == ["entity", "kind", "source", "row_ref", "reason", "raw"]
    assert row[:4] == ["messages", "invalid", "csv", "messages.csv:2"]
    assert row[4] == "interaction 'int_404' is neither in the database nor in this import"
    assert row[5] == "'=1+2,int_404,0,customer,2025-04-10T15:00:00Z,hello\n"  # text, not a formula
    latest = runner.invoke(app, ["quarantine", "--json"], env=env).stdout.splitlines()
    assert [json.loads(line)["row_ref"] for line in latest] == ["messages.csv:2"]


def test_quarantine_of_an_unknown_run_is_refused(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["quarantine", "99999"], env=env)

    assert result.exit_code == 1
    assert result.stderr == "error: ingestion run 99999 does not exist\n"
