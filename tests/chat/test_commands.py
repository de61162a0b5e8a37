"""``cspersona chat`` and ``cspersona scenarios`` in a terminal, on a real database file."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from cspersona.chat.models import ChatTurn, ScenarioRun
from cspersona.cli import app
from cspersona.db import migrate
from cspersona.db.engine import make_engine, make_session_factory
from tests.chat.conftest import (
    PRICE_MESSAGES,
    TECH_MESSAGES,
    add_persona,
    assert_speaks,
    needs_espeak,
)

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


@needs_espeak
def test_speak_writes_the_newest_reply_as_wav(database: str, tmp_path: Path) -> None:
    out = tmp_path / "reply.wav"

    result = runner.invoke(
        app,
        ["chat", "talk", "budget keepers", "--speak", str(out)],
        input="Can we discuss the renewal?\nI can offer a 10% discount on the renewal.\n/quit\n",
    )

    assert result.exit_code == 0, result.output
    assert result.output.count(f"reply spoken to {out}") == 2
    with make_session_factory(make_engine(database))() as session:
        newest = session.scalars(
            select(ChatTurn.text).where(ChatTurn.role == "persona").order_by(ChatTurn.id.desc())
        ).first()
    assert newest is not None
    assert_speaks(out.read_bytes(), newest)


def test_speak_without_espeak_is_one_line_naming_the_package(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH without espeak-ng
    out = tmp_path / "reply.wav"

    result = runner.invoke(
        app, ["chat", "budget keepers", "--speak", str(out)], input="Hello.\n/quit\n"
    )

    assert result.exit_code == 1
    assert result.output == "error: --speak needs espeak-ng: apt-get install espeak-ng\n"
    assert not out.exists()


def test_speak_into_a_missing_folder_is_refused_before_the_chat(
    database: str, tmp_path: Path
) -> None:
    result = runner.invoke(
        app, ["chat", "budget keepers", "--speak", str(tmp_path / "nowhere" / "reply.wav")]
    )

    assert result.exit_code == 2
    assert f"the folder {tmp_path / 'nowhere'} does not exist" in result.output
    assert "Talking to" not in result.output


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
