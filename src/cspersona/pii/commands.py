"""``cspersona pii``: detect or redact PII in JSONL text, file or stdin to stdout."""

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

import typer

from cspersona.config import PII_OPERATOR_NAMES, get_settings
from cspersona.console.errors import DomainErrorGroup
from cspersona.exceptions import BadInput

app = typer.Typer(
    cls=DomainErrorGroup,
    help="Find or anonymise personal data in text (JSONL in, JSONL out).",
    no_args_is_help=True,
)

SOURCE_HELP = 'JSONL file with a {"text": ...} object per line; `-` or nothing reads stdin.'
# The recognisers (word lists, patterns) load when a command runs, so that `cspersona --help`
# starts fast.


def _records(handle: TextIO, name: str) -> Iterator[dict[str, Any]]:
    """Each line's JSON object, or a one-line :class:`BadInput` naming the line."""
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise BadInput(f"{name} line {number}: not JSON ({error.msg})") from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise BadInput(f'{name} line {number}: expected an object with a "text" string')
        yield record


def _run(source: str, transform: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    if source == "-":
        handle, name = sys.stdin, "stdin"
    else:
        path = Path(source)
        if not path.is_file():
            raise BadInput(f"{source} is not a file")
        handle, name = path.open(encoding="utf-8"), source
    try:
        for record in _records(handle, name):
            sys.stdout.write(json.dumps(transform(record), ensure_ascii=False) + "\n")
    except UnicodeDecodeError as error:
        raise BadInput(f"{name} is not UTF-8 text ({error.reason})") from None
    finally:
        if handle is not sys.stdin:
            handle.close()


@app.command()
def detect(source: str = typer.Argument("-", help=SOURCE_HELP)) -> None:
    """Add "entities": [{"type", "start", "end", "score"}] to each JSONL record.

    Example: cspersona pii detect messages.jsonl
    """
    from cspersona.pii.anonymizer import PiiRedactor

    redactor = PiiRedactor.from_settings(get_settings())
    _run(
        source,
        lambda record: (
            record | {"entities": [span.as_dict() for span in redactor.detect(record["text"])]}
        ),
    )


@app.command()
def redact(
    source: str = typer.Argument("-", help=SOURCE_HELP),
    operator: str | None = typer.Option(
        None,
        help=f"One of {', '.join(PII_OPERATOR_NAMES)} for every type; "
        "default CSPERSONA_PII_OPERATORS.",
    ),
) -> None:
    """Replace the PII in each JSONL record's "text".

    Example: cspersona pii redact notes.jsonl --operator replace
    """
    from cspersona.pii.anonymizer import PiiRedactor

    if operator is not None and operator not in PII_OPERATOR_NAMES:
        raise BadInput(f"--operator {operator!r}: use one of {', '.join(PII_OPERATOR_NAMES)}")
    redactor = PiiRedactor.from_settings(get_settings(), operator=operator)
    _run(source, lambda record: record | {"text": redactor.redact(record["text"])})
