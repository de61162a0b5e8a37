"""``cspersona chat`` and ``cspersona scenarios`` in a terminal, on a real database file."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from cspersona.chat.models import ScenarioRun
from cspersona.cli import app
from cspersona.db import migrate
from cspersona.db.engine import make_engine, make_session_factory
from tests.chat.conftest import PRICE_MESSAGES, TECH_MESSAGES, add_persona

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A migrated SQLite file with two personas, named in the environment."""
    url = f"sqlite:///{tmp_path / 'chat.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    with make_session_factory(engine)() as session:
        add_persona(session, "Budget Keepers", PRICE_MESSAGES)
        add_persona(session, "API Builders", TECH_MESSAGES)
        session.commit()
    monkeypatch.setenv("CSPERSONA_DATABASE_URL", url)
    yield url
    engine.dispose()


def test_chat_persona_talks_until_quit(database: str) -> None:
    result = runner.invoke(
        app, ["chat", "budget keepers"], input="Can we discuss the renewal?\n/quit\n"
    )

    assert result.exit_code == 0, result.output
    assert "Talking to persona 1 Budget Keepers" in result.output
    assert "persona>" in result.output and "try:" in result.output


def test_an_unknown_persona_is_one_line(database: str) -> None:
    result = runner.invoke(app, ["chat", "Nobody"])

    assert result.exit_code == 1
    assert "persona 'Nobody' not found; current personas: 1 Budget Keepers, 2 API Builders" in (
        result.output
    )


def test_scenarios_list_and_run_with_a_score_card(database: str, tmp_path: Path) -> None:
    script = tmp_path / "moves.txt"
    script.write_text("We're looking into it.\nHopefully soon.\n")

    listing = runner.invoke(app, ["scenarios", "list"])
    run = runner.invoke(app, ["scenarios", "run", "renewal-negotiation", "--script", str(script)])

    assert "renewal-negotiation" in listing.output and "Cautious Catherine" in listing.output
    assert run.exit_code == 0, run.output
    assert "(persona 1)" in run.output  # the price-sensitive persona fits Carlos
    assert "goal reached no" in run.output
    assert "committed to nothing" in run.output
    with make_session_factory(make_engine(database))() as session:
        assert session.scalars(select(ScenarioRun.scenario)).all() == ["renewal-negotiation"]


@pytest.mark.parametrize("output_format", ["openai", "jsonl"])
def test_export_finetune_writes_chat_examples_per_persona(
    database: str, tmp_path: Path, output_format: str
) -> None:
    out = tmp_path / "finetune.jsonl"

    result = runner.invoke(
        app, ["chat", "export-finetune", "--format", output_format, "--out", str(out)]
    )

    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    # One example per member conversation: the fixture's later customer turns answer the
    # customer's own message, not the vendor's, so they are no examples.
    assert len(records) == 2 * 2
    if output_format == "openai":
        roles = [message["role"] for message in records[0]["messages"]]
        assert roles == ["system", "user", "assistant"]
        assert "Budget Keepers" in records[0]["messages"][0]["content"]
    else:
        assert set(records[0]) == {
            "persona_id",
            "persona",
            "context",
            "response_style",
            "example_response",
        }
    assert "Maria Lopez" not in out.read_text()  # names in signatures are redacted again
