"""``cspersona interventions ...`` on a migrated database."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cspersona.cli import app
from cspersona.config import get_settings
from cspersona.db.engine import make_engine, make_session_factory, session_scope
from tests.conftest import DatabaseFactory
from tests.factories import add_book

runner = CliRunner()


@pytest.fixture
def book(database_factory: DatabaseFactory, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """A fresh migrated database holding the test book; customer ids by name."""
    monkeypatch.setenv("CSPERSONA_DATABASE_URL", database_factory.create())
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    engine = make_engine(get_settings().sqlalchemy_url)
    with session_scope(make_session_factory(engine)) as session:
        customers = add_book(session)
        customers["Acme Analytics"].external_id = "acme"
        ids = {name: customer.id for name, customer in customers.items()}
    engine.dispose()
    return ids


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args), terminal_width=200)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_an_action_is_recorded_corrected_and_shown_with_its_chain(book: dict[str, int]) -> None:
    acme = str(book["Acme Analytics"])
    _run("interventions", "record", "--customer-id", acme, "--kind", "call", "--hours", "0.5",
         "--performed-at", "2025-03-03T09:00:00", "--by", "Dana Scully")  # fmt: skip
    _run("interventions", "correct", "1", "--customer-id", acme, "--kind", "meeting",
         "--performed-at", "2025-03-03T09:00:00")  # fmt: skip

    listed = [json.loads(line) for line in _run("interventions", "list", "--json").splitlines()]
    shown = json.loads(_run("interventions", "show", "1"))

    assert [(e["id"], e["kind"], e["source"], e["corrected_by"]) for e in listed] == [
        (2, "meeting", "cli", None),
        (1, "call", "cli", 2),
    ]
    assert listed[1]["performed_by"] == "Dana Scully"
    assert [link["id"] for link in shown["chain"]] == [1, 2]
    table = _run("interventions", "list")
    assert "2 entries match" in table
    assert "Acme" in table and "meeting" in table and "call" in table


def test_a_csv_of_past_actions_is_imported_once_and_bad_rows_named(
    book: dict[str, int], tmp_path: Path
) -> None:
    path = tmp_path / "past.csv"
    path.write_text(
        "intervention_id,customer_id,kind,performed_by,performed_at,playbook,arm,hours,note\n"
        "p-1,acme,call,Dana Scully,2025-02-01,,,1,\n"
        "p-2,nobody,call,Dana Scully,2025-02-01,,,1,\n",
        encoding="utf-8",
    )

    first = _run("interventions", "import", str(path))
    second = _run("interventions", "import", str(path))

    assert "line 3: no customer with id 'nobody'" in first
    assert "2 rows: 1 recorded, 0 already in the log, 1 refused" in first
    assert "2 rows: 0 recorded, 1 already in the log, 1 refused" in second


def test_outcomes_are_computed_from_the_command_line(book: dict[str, int]) -> None:
    _run("interventions", "record", "--customer-id", str(book["Acme Analytics"]), "--kind", "call")

    assert _run("interventions", "outcomes") == "0 outcomes computed, 0 complete, 0 open\n"
