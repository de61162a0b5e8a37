import json
from pathlib import Path

from typer.testing import CliRunner

from cspersona.cli import app

runner = CliRunner()


def test_detect_adds_entities_and_keeps_other_fields(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"id": 7, "text": "Call Sarah Miller on +44 20 7946 0958"})
        + "\n\n"
        + json.dumps({"text": "nothing personal"})
        + "\n",
        encoding="utf-8",
    )

    result = runner.invoke(app, ["pii", "detect", str(source)])

    assert result.exit_code == 0, result.output
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["id"] == 7
    assert first["entities"] == [
        {"type": "PERSON", "start": 5, "end": 17, "score": 0.85},
        {"type": "PHONE_NUMBER", "start": 21, "end": 37, "score": 0.95},
    ]
    assert second["entities"] == []


def test_redact_reads_stdin_and_applies_the_operator() -> None:
    lines = json.dumps({"text": "mail sarah@acme.com"}) + "\n"

    result = runner.invoke(app, ["pii", "redact", "--operator", "replace"], input=lines)

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"text": "mail [email]"}


def test_redact_uses_configured_operators_by_default() -> None:
    lines = json.dumps({"text": "card 4111 1111 1111 1111"}) + "\n"

    result = runner.invoke(
        app,
        ["pii", "redact"],
        input=lines,
        env={"CSPERSONA_PII_OPERATORS": '{"CREDIT_CARD": "mask"}'},
    )

    assert json.loads(result.stdout) == {"text": "card **** **** **** ****"}


def test_bad_lines_give_a_one_line_error_naming_the_line(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "ok"}\n{"text": 3}\n', encoding="utf-8")

    result = runner.invoke(app, ["pii", "detect", str(source)])

    assert result.exit_code == 2
    assert result.stderr == f'error: {source} line 2: expected an object with a "text" string\n'


def test_unknown_operator_and_missing_file_are_refused() -> None:
    bad_operator = runner.invoke(app, ["pii", "redact", "--operator", "shred"], input="")
    missing = runner.invoke(app, ["pii", "detect", "/nonexistent.jsonl"])

    assert (
        bad_operator.exit_code == 2
        and "use one of replace, mask, hash, pseudonymize" in bad_operator.stderr
    )
    assert missing.exit_code == 2 and missing.stderr == "error: /nonexistent.jsonl is not a file\n"
