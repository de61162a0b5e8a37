import csv
import io
import json
from datetime import timedelta

import pytest
from typer.testing import CliRunner

from cspersona.cli import app
from cspersona.config import get_settings
from cspersona.db import migrate
from cspersona.db.engine import make_engine, make_session_factory, session_scope
from cspersona.personas.clustering import CLUSTERERS
from tests.factories import (
    START,
    add_book,
    add_persona,
    add_stage_results,
    add_switch,
    add_voice_checks,
)

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
    assert "Checked against what customers say: not yet" in page.stdout


def test_show_says_how_the_persona_did_against_what_customers_said() -> None:
    engine = make_engine(get_settings().sqlalchemy_url)
    migrate.upgrade(engine)
    with session_scope(make_session_factory(engine)) as session:
        book = add_book(session)
        persona = add_persona(session, list(book.values()))
        add_voice_checks(session, persona, book["Delta Freight"])
        identifier = persona.id
    engine.dispose()

    page = runner.invoke(app, ["personas", "show", str(identifier)])
    text = " ".join(page.stdout.split())

    assert "(2 members with enough history): predicted what they said next 80% as well" in text
    assert "top topic: persona 50%, whole book 25%, own history 100% (2 members)" in text


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


@pytest.fixture
def switched_book() -> None:
    """A migrated database in the test's data folder where Acme and Delta switched persona."""
    engine = make_engine(get_settings().sqlalchemy_url)
    migrate.upgrade(engine)
    with session_scope(make_session_factory(engine)) as session:
        book = add_book(session)
        personas = add_stage_results(session, book)
        skeptics, power = personas["Budget Skeptics"], personas["Power Users"]
        add_switch(session, book["Acme Analytics"], skeptics, power)
        add_switch(
            session, book["Delta Freight"], power, skeptics, detected_at=START + timedelta(days=90)
        )
    engine.dispose()


def test_switches_say_what_changed_and_what_to_do_now(switched_book: None) -> None:
    printed = runner.invoke(app, ["personas", "switches"], terminal_width=200)
    own = runner.invoke(app, ["personas", "switches", "--csm", "Dana Scully", "--json"])
    later = runner.invoke(app, ["personas", "switches", "--since", "2025-03-15", "--json"])

    assert printed.exit_code == own.exit_code == later.exit_code == 0, printed.output
    said = " ".join(printed.stdout.split())  # as read, whatever the terminal's width
    assert said.startswith(
        "2025-04-06 Delta Freight (Fox Mulder): Power Users -> Budget Skeptics What changed: "
        "- 45% of their messages negative; typically 10% for Power Users and 40% for Budget "
        "Skeptics What to do now: "
    )
    assert "Acme Analytics (Dana Scully): Budget Skeptics -> Power Users" in said
    assert [json.loads(line)["company_name"] for line in own.stdout.splitlines()] == [
        "Acme Analytics"
    ]
    assert [json.loads(line)["company_name"] for line in later.stdout.splitlines()] == [
        "Delta Freight"
    ]


def test_switches_refuse_a_malformed_date(switched_book: None) -> None:
    refused = runner.invoke(app, ["personas", "switches", "--since", "last week"])

    assert refused.exit_code == 2
    assert "--since must be an ISO date" in refused.output


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
