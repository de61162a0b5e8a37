"""``cspersona nlp analyze|run`` (signals per message) and ``cspersona topics discover``."""

import itertools
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, TextIO

import orjson
import typer
from rich.console import Console
from rich.table import Table

from cspersona.config import get_settings
from cspersona.console.database import database_session
from cspersona.console.output import console, progress_bar
from cspersona.exceptions import BadInput

app = typer.Typer(
    help="Message-level NLP: sentiment, emotions, entities, language, sophistication."
)
topics_app = typer.Typer(help="Topics: discover them in texts, or learn labelled ones.")
STDIN = Path("-")
# The analysers pull in spaCy, scikit-learn and lingua: commands import them when they run, so
# every other command starts fast.
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
    from cspersona.catalogue.models import load_catalogue
    from cspersona.nlp.engine import NlpEngine, default_registry

    settings = get_settings()
    registry = default_registry(settings, catalogue=load_catalogue(settings.catalogue_path))
    with NlpEngine(registry, settings=settings) as engine, open_input(source) as handle:
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
    from cspersona.nlp import service

    settings = get_settings()
    started = time.perf_counter()
    with (
        progress_bar("analysing messages") as update,
        database_session() as db_session,
    ):
        count = service.analyze_pending(
            db_session=db_session, settings=settings, batch_size=batch_size, progress=update
        )
    console.print(f"analysed {count} messages in {time.perf_counter() - started:.1f} s")


def parse_k(value: str) -> int | None:
    """``auto`` (None) or a topic count of at least 2."""
    if value == "auto":
        return None
    if not value.isdigit() or int(value) < 2:
        raise BadInput(f"--k must be auto or a number of topics of at least 2, not {value!r}")
    return int(value)


@topics_app.command()
def discover(
    source: Annotated[Path, typer.Argument(help='JSONL file of {"text": ...}, or - for stdin.')],
    k: Annotated[str, typer.Option("--k", help="Number of topics, or auto.")] = "auto",
    text_field: Annotated[str, typer.Option("--field", help="Field holding the text.")] = "text",
    labels: Annotated[
        str | None,
        typer.Option(help="Field with known topics: learn them and label the records without."),
    ] = None,
    backend: Annotated[
        str | None,
        typer.Option(help="words, static, tfidf or embeddings (default CSPERSONA_TOPICS_BACKEND)."),
    ] = None,
) -> None:
    """Give every JSONL record a "topic" and "topic_name"; print the topic table on stderr.

    Example: cspersona topics discover tickets.jsonl --k auto > tickets-with-topics.jsonl
    """
    from cspersona.nlp.cleaning import clean_text
    from cspersona.nlp.topics import REPRESENTATIONS, TopicCategoriser, TopicModel

    representation = backend or get_settings().topics_backend
    if representation not in REPRESENTATIONS:
        choices = ", ".join(REPRESENTATIONS)
        raise BadInput(f"--backend must be one of {choices}, not {representation!r}")
    with open_input(source) as handle:
        records = [record for record, _ in read_jsonl(handle, field=text_field)]
    texts = [clean_text(str(record[text_field])) for record in records]
    table = Table("topic", "size", "name")
    if labels:
        known = [i for i, record in enumerate(records) if record.get(labels) not in (None, "")]
        categoriser = TopicCategoriser().fit(
            [texts[i] for i in known], [str(records[i][labels]) for i in known]
        )
        names = categoriser.predict(texts)
        for record, name in zip(records, names, strict=True):
            record["topic"] = record["topic_name"] = name
        for name in sorted(set(names)):
            table.add_row(name, str(names.count(name)), name)
    else:
        model = TopicModel(parse_k(k), representation=representation).fit(texts)  # type: ignore[arg-type]
        for record, label in zip(records, model.labels_, strict=True):
            record["topic"] = int(label)
            record["topic_name"] = model.topics_[int(label)].name
        for topic in model.topics_:
            table.add_row(str(topic.number), str(topic.size), topic.name)
    for record in records:
        sys.stdout.buffer.write(orjson.dumps(record) + b"\n")
    sys.stdout.flush()
    Console(stderr=True).print(table)
