import csv
import io
import json

import pytest
from typer.testing import CliRunner

from cspersona.cli import app
from cspersona.config import get_settings
from cspersona.db import migrate
from cspersona.db.engine import make_engine, make_session_factory, session_scope
from cspersona.personas.clustering import CLUSTERERS
from tests.factories import add_book, add_persona

runner = CliRunner()


@pytest.fixture
def persona_id() -> int:
    """A migrated database in the test's data folder with one persona over a small book."""
    engine = make_engine(get_settings().sqlalchemy_url)
    migrate.upgrade(engine)
    with session_scope(make_session_factory(engine)) as session:
        book = add_book(session)
        identifier = add_persona(session, list(book.values())).id
    engine.dispose()
    return identifier


def test_list_and_show(persona_id: int) -> None:
    listed = runner.invoke(app, ["personas", "list", "--json"])
    shown = runner.invoke(app, ["personas", "show", str(persona_id), "--json"])
    page = runner.invoke(app, ["personas", "show", str(persona_id)], terminal_width=200)

    assert listed.exit_code == shown.exit_code == page.exit_code == 0, listed.output
    assert json.loads(listed.stdout)["name"] == "Cost-Conscious Carlos"
    assert json.loads(shown.stdout)["profile"]["share"]["arr"] == 0.4
    assert "watches every invoice" in page.stdout


def test_show_with_an_industry_overlay(persona_id: int) -> None:
    shown = runner.invoke(
        app, ["personas", "show", str(persona_id), "--industry", "EdTech", "--json"]
    )

    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["profile"]["focus"] == "academic calendar"


def test_export_as_csv_and_json(persona_id: int) -> None:
    as_csv = runner.invoke(app, ["personas", "export", "--format", "csv"])
    as_json = runner.invoke(app, ["personas", "export", "--format", "json"])

    assert as_csv.exit_code == as_json.exit_code == 0, as_csv.output
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert len(rows) == len(json.loads(as_json.stdout)) == 5
    assert rows[0]["persona_id"] == str(persona_id)
    assert rows[0]["persona_name"] == "Cost-Conscious Carlos"
    assert float(rows[0]["confidence"]) == 0.9


def test_errors_are_one_line(persona_id: int) -> None:
    unknown = runner.invoke(app, ["personas", "show", "999"])
    too_few = runner.invoke(app, ["personas", "build"])
    overlay = runner.invoke(app, ["personas", "show", str(persona_id), "--industry", "Mining"])

    assert unknown.exit_code == 1
    assert unknown.stderr.strip() == "error: persona 999 does not exist"
    assert too_few.exit_code == 2
    assert "personas need at least 10 customers" in too_few.stderr
    assert overlay.exit_code == 2
    assert "no industry overlay for 'Mining'" in overlay.stderr


def test_build_help_names_every_clusterer() -> None:
    """The help lists them as text: reading them from the model would load scikit-learn."""
    result = runner.invoke(app, ["personas", "build", "--help"], terminal_width=200)

    assert all(name in result.stdout for name in CLUSTERERS)


def test_rename_and_edit_are_recorded_and_shown(persona_id: int) -> None:
    renamed = runner.invoke(app, ["personas", "rename", str(persona_id), "Invoice Watchers"])
    edited = runner.invoke(
        app, ["personas", "edit", str(persona_id), "--narrative", "-"], input="They audit.\n"
    )
    page = runner.invoke(app, ["personas", "show", str(persona_id)], terminal_width=200)
    taken = runner.invoke(app, ["personas", "rename", str(persona_id), "  "])

    assert renamed.exit_code == edited.exit_code == page.exit_code == 0, renamed.output
    assert "is now called Invoice Watchers" in renamed.stdout
    assert "Invoice Watchers" in page.stdout
    assert "They audit." in page.stdout
    assert "(command line) on " in page.stdout
    assert "(2 edits)" in page.stdout
    assert taken.exit_code == 2
    assert "error: a persona's name cannot be empty" in taken.output


def test_shaping_commands_need_a_built_model(persona_id: int) -> None:
    listed = runner.invoke(app, ["personas", "suggested"])
    created = runner.invoke(app, ["personas", "create", "--customers", "1,2"])
    garbled = runner.invoke(app, ["personas", "create", "--customers", "1,two"])

    assert listed.exit_code == 0
    assert "suggests no new persona" in listed.stdout
    assert created.exit_code == 1
    assert "error:" in created.output
    assert garbled.exit_code == 2
    assert "customer ids separated by commas" in garbled.output
