"""``cspersona nlp analyze`` (JSONL in, signals out) and ``cspersona nlp run`` (the database)."""

import itertools
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, TextIO

import orjson
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cspersona.catalogue.models import load_catalogue
from cspersona.cli.common import console, database_session
from cspersona.config import get_settings
from cspersona.exceptions import BadInput
from cspersona.nlp import service
from cspersona.nlp.engine import NlpEngine, default_registry

app = typer.Typer(
    help="Message-level NLP: sentiment, emotions, entities, language, sophistication."
)
STDIN = Path("-")
BATCH = 512


def read_jsonl(handle: TextIO, *, field: str = "text") -> Iterator[tuple[dict[str, object], str]]:
    """(record, text) per non-blank line; BadInput names the first line that is not a record."""
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            raise BadInput(f"line {number} is not JSON") from None
        if not isinstance(record, dict) or not isinstance(record.get(field), str):
            raise BadInput(f'line {number} has no string "{field}" field')
        yield record, record[field]


def open_input(path: Path) -> TextIO:
    """The file at ``path``, or standard input for ``-``."""
    if path == STDIN:
        return sys.stdin
    if not path.is_file():
        raise BadInput(f"{path} is not a file")
    return path.open(encoding="utf-8", errors="replace")


@app.command()
def analyze(
    source: Annotated[
        Path, typer.Argument(help='JSONL file of {"text": ...}, or - for stdin.')
    ] = STDIN,
    text_field: Annotated[str, typer.Option("--field", help="Field holding the text.")] = "text",
) -> None:
    """Print each JSONL record with sentiment, emotions, entities, language, sophistication.

    Example: cspersona nlp analyze messages.jsonl > analysed.jsonl
    """
    settings = get_settings()
    engine = NlpEngine(
        default_registry(settings, catalogue=load_catalogue(settings.catalogue_path)),
        settings=settings,
    )
    with open_input(source) as handle:
        records = read_jsonl(handle, field=text_field)
        while batch := list(itertools.islice(records, BATCH)):
            results = engine.analyze([text for _, text in batch])
            for (record, _), result in zip(batch, results, strict=True):
                sys.stdout.buffer.write(orjson.dumps(record | result.as_dict()) + b"\n")
    sys.stdout.flush()


@app.command()
def run(
    batch_size: Annotated[
        int | None,
        typer.Option(min=1, help="Messages per batch (default CSPERSONA_NLP_BATCH_SIZE)."),
    ] = None,
) -> None:
    """Analyse every message in the database not yet analysed by the current analysers.

    Example: cspersona nlp run
    """
    settings = get_settings()
    started = time.perf_counter()
    progress_console = Console(stderr=True)
    with (
        Progress(
            TextColumn("analysing messages"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=progress_console,
            transient=True,
            disable=not progress_console.is_terminal,
        ) as progress,
        database_session() as db_session,
    ):
        task = progress.add_task("nlp", total=None)
        count = service.analyze_pending(
            db_session=db_session,
            settings=settings,
            batch_size=batch_size,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    console.print(f"analysed {count} messages in {time.perf_counter() - started:.1f} s")
