"""``cspersona chat`` and ``cspersona scenarios`` in a terminal, on a real database file."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import select
from typer.testing import CliRunner

from cspersona.chat.models import ChatTurn, ScenarioRun
from cspersona.cli import app
from cspersona.db import migrate
from cspersona.db.engine import make_engine, make_session_factory
from tests.chat.conftest import (
    PRICE_MESSAGES,
    PRICE_RISE_SCENARIO,
    TECH_MESSAGES,
    add_persona,
    assert_speaks,
    needs_espeak,
)

runner = CliRunner()


def said(result: Result) -> str:
    """A command's output with the console's line wrapping undone."""
    return " ".join(result.output.split())


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


def newest_reply(database: str) -> str:
    """The text of the newest persona turn stored in ``database``."""
    with make_session_factory(make_engine(database))() as session:
        newest = session.scalars(
            select(ChatTurn.text).where(ChatTurn.role == "persona").order_by(ChatTurn.id.desc())
        ).first()
    assert newest is not None
    return newest


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
    assert_speaks(out.read_bytes(), newest_reply(database))


@needs_espeak
def test_a_practice_run_speaks_its_replies_too(database: str, tmp_path: Path) -> None:
    out = tmp_path / "reply.wav"
    script = tmp_path / "moves.txt"
    script.write_text("I understand the price is hard to justify right now.\n")

    result = runner.invoke(
        app,
        ["scenarios", "run", "renewal-negotiation", "--script", str(script), "--speak", str(out)],
    )

    assert result.exit_code == 0, result.output
    assert result.output.count(f"reply spoken to {out}") == 1
    assert_speaks(out.read_bytes(), newest_reply(database))


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
    run = runner.invoke(
        app,
        ["scenarios", "run", "renewal-negotiation", "--script", str(script)],
    )

    assert listing.exit_code == 0, listing.output
    assert (
        "renewal-negotiation — Renewal negotiation with a cost-conscious customer facing "
        "renewal; against Budget Keepers (10 turns)"
    ) in said(listing)
    assert (
        "feature-upsell — Feature upsell with a technical customer hitting the API's rate "
        in said(listing)
    )
    assert run.exit_code == 0, run.output
    assert "You are talking to Budget Keepers, the persona that fits this customer best." in said(
        run
    )
    assert "Renewal negotiation with Budget Keepers: ended early" in said(run)
    assert "goal reached no" in said(run)
    assert "committed to nothing" in said(run)
    with make_session_factory(make_engine(database))() as session:
        assert session.scalars(select(ScenarioRun.scenario)).all() == ["renewal-negotiation"]


def test_the_cli_picks_the_same_default_persona_as_the_api(database: str, tmp_path: Path) -> None:
    from cspersona.chat import scenario_store, service
    from cspersona.config import get_settings

    script = tmp_path / "moves.txt"
    script.write_text("Let us sort out your API limits.\n")
    with make_session_factory(make_engine(database))() as session:
        fits = service.best_fit_personas(
            db_session=session,
            settings=get_settings(),
            scenarios=scenario_store.list_scenarios(db_session=session),
        )

    run = runner.invoke(app, ["scenarios", "run", "feature-upsell", "--script", str(script)])

    assert fits["feature-upsell"].name == "API Builders"
    assert "You are talking to API Builders" in said(run)


def test_a_chosen_persona_is_named_as_chosen(database: str, tmp_path: Path) -> None:
    script = tmp_path / "moves.txt"
    script.write_text("Hello.\n")

    run = runner.invoke(
        app,
        [
            "scenarios",
            "run",
            "feature-upsell",
            "--persona",
            "budget keepers",
            "--script",
            str(script),
        ],
    )

    assert "You are talking to Budget Keepers, the persona you chose." in said(run)


def test_scenarios_add_stores_one_that_lists_and_runs(database: str, tmp_path: Path) -> None:
    path = tmp_path / "price-rise.yaml"
    path.write_text(PRICE_RISE_SCENARIO)
    script = tmp_path / "moves.txt"
    script.write_text("I understand the surprise.\n")

    added = runner.invoke(app, ["scenarios", "add", str(path)])
    again = runner.invoke(app, ["scenarios", "add", str(path)])
    listing = runner.invoke(app, ["scenarios", "list"])
    run = runner.invoke(app, ["scenarios", "run", "price-rise", "--script", str(script)])
    by_file = runner.invoke(app, ["scenarios", "run", str(path)])

    assert added.exit_code == 0, added.output
    assert (
        "Added price-rise: Price rise with a long-standing customer surprised by a price rise; "
        "it runs against Budget Keepers."
    ) in said(added)
    assert again.exit_code == 1 and "'price-rise' already exists" in said(again)
    assert "price-rise — Price rise with" in said(listing) and "custom)" in said(listing)
    assert run.exit_code == 0 and "Why is our price going up 8%?" in said(run)
    assert by_file.exit_code == 2 and "cspersona scenarios add" in said(by_file)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name: [unclosed", "is not valid YAML (line 1)"),
        (
            PRICE_RISE_SCENARIO.replace("customer_kind", "persona_label"),
            "customer_kind: Field required",
        ),
        (
            PRICE_RISE_SCENARIO.replace("name: price-rise", "name: onboarding"),
            "'onboarding' is built in",
        ),
    ],
)
def test_scenarios_add_refuses_a_faulty_file_in_one_line(
    database: str, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content)

    result = runner.invoke(app, ["scenarios", "add", str(path)])

    assert result.exit_code != 0 and message in said(result)
    assert "Traceback" not in said(result)


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
