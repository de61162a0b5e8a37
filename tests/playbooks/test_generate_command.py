"""``cspersona playbooks generate``: what it did per persona, as a table or JSON; short errors."""

import json

import pytest
from typer.testing import CliRunner

from cspersona.cli import app
from cspersona.config import get_settings
from cspersona.db import migrate
from cspersona.db.engine import make_engine, make_session_factory, session_scope
from tests.playbooks.test_generation import _world

runner = CliRunner()


@pytest.fixture
def persona_ids() -> tuple[int, int]:
    """A migrated database in the test's data folder holding the generation test world."""
    engine = make_engine(get_settings().sqlalchemy_url)
    migrate.upgrade(engine)
    with session_scope(make_session_factory(engine)) as session:
        _, formal, casual = _world(session)
        identifiers = formal.id, casual.id
    engine.dispose()
    return identifiers


def test_generate_prints_what_it_did_per_persona(persona_ids: tuple[int, int]) -> None:
    formal, casual = persona_ids

    first = runner.invoke(app, ["playbooks", "generate", "--persona", str(casual), "--json"])
    again = runner.invoke(app, ["playbooks", "generate", "--json"])

    assert first.exit_code == 0, first.output
    (row,) = [json.loads(line) for line in first.output.splitlines()]
    assert row["persona_name"] == "Hands-on Hana"
    assert (row["action"], row["source"]) == ("created", "template")
    assert row["evidence"] >= 5
    rows = [json.loads(line) for line in again.output.splitlines()]
    assert [(item["persona_id"], item["action"]) for item in rows] == [
        (formal, "created"),
        (formal, "created"),
        (casual, "unchanged"),
    ]


def test_generate_as_a_table_and_its_errors(persona_ids: tuple[int, int]) -> None:
    table = runner.invoke(app, ["playbooks", "generate"], env={"COLUMNS": "200"})
    unknown = runner.invoke(app, ["playbooks", "generate", "--persona", "999999"])
    helped = runner.invoke(app, ["playbooks", "generate", "--help"])

    assert table.exit_code == 0, table.output
    assert "Process Pat: save" in table.output and "Hands-on Hana: save" in table.output
    assert table.output.count("created") == 3
    assert unknown.exit_code != 0
    assert unknown.output.strip().endswith("no active persona with id 999999")
    assert len(unknown.output.strip().splitlines()) == 1
    assert "Example:" in helped.output
