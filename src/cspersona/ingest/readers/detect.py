"""Choosing a reader for each input path: by ``--source``, or from the path and its content."""

import re
from collections.abc import Callable, Iterator
from pathlib import Path

from cspersona.exceptions import BadInput
from cspersona.ingest.mapping import ColumnMapping
from cspersona.ingest.readers.base import Reader
from cspersona.ingest.readers.crm import CrmReader, vendor_of
from cspersona.ingest.readers.dataset import DatasetReader, is_dataset
from cspersona.ingest.readers.helpdesks import FreshdeskReader, IntercomReader, ZendeskReader
from cspersona.ingest.readers.tables import TableReader, format_of
from cspersona.ingest.readers.transcripts import (
    SpeakerTranscriptReader,
    SrtReader,
    TextReader,
    WebVttReader,
    looks_like_speaker_lines,
)
from cspersona.ingest.records import InputProblem
from cspersona.ingest.sources import detect_encoding

READERS: dict[str, Callable[[], Reader]] = {
    "dataset": DatasetReader,
    "csv": lambda: TableReader("csv"),
    "json": lambda: TableReader("json"),
    "jsonl": lambda: TableReader("jsonl"),
    "text": TextReader,
    "transcript": SpeakerTranscriptReader,
    "vtt": WebVttReader,
    "srt": SrtReader,
    "zendesk": ZendeskReader,
    "intercom": IntercomReader,
    "freshdesk": FreshdeskReader,
    "hubspot": lambda: CrmReader("hubspot"),
    "salesforce": lambda: CrmReader("salesforce"),
}
SOURCES = ("auto", *READERS)
HEAD_CHARS = 16 * 1024
SRT_START = re.compile(r"^\s*\d+\s*\r?\n\s*\d{2}:\d{2}:\d{2},\d{3}\s*-->")
TEXT_SUFFIXES = {".txt", ".text", ".md", ".log", ""}


def inputs(paths: list[Path], source: str, mapping: ColumnMapping | None) -> Iterator[Path]:
    """Each path to read: a dataset folder as one, any other folder as its files."""
    if source not in SOURCES:
        raise BadInput(f"--source {source!r}: use one of {', '.join(SOURCES)}")
    for path in paths:
        if not path.exists():
            raise BadInput(f"{path} does not exist")
    for path in paths:
        if path.is_dir() and not (
            source in {"auto", "dataset"} and mapping is None and is_dataset(path)
        ):
            yield from sorted(
                child
                for child in path.iterdir()
                if child.is_file() and not child.name.startswith(".")
            )
        else:
            yield path


def choose_reader(path: Path, source: str, mapping: ColumnMapping | None) -> Reader:
    """The reader ``--source`` names, or the one the path's name and content suggest."""
    if mapping is not None:
        return TableReader(mapping.format)
    if source != "auto":
        return READERS[source]()
    if path.is_dir():
        return DatasetReader()
    return READERS[_detect(path)]()


def _detect(path: Path) -> str:
    suffix = path.suffix.lower()
    with path.open(encoding=detect_encoding(path), errors="replace") as handle:
        head = handle.read(HEAD_CHARS).lstrip("\ufeff \t\r\n")
    if suffix == ".vtt" or head.startswith("WEBVTT"):
        return "vtt"
    if suffix == ".srt" or SRT_START.match(head):
        return "srt"
    if suffix in {".json", ".jsonl", ".ndjson"}:
        return _helpdesk(head) or format_of(path) or "json"
    if suffix in {".csv", ".tsv"}:
        header = re.split(r"[,;\t|]", head.splitlines()[0]) if head else []
        return vendor_of([name.strip().strip('"') for name in header]) or "csv"
    if suffix in TEXT_SUFFIXES:
        return "transcript" if looks_like_speaker_lines(head) else "text"
    raise InputProblem(
        f"cannot tell what kind of file {path.name} is; pass --source "
        f"({', '.join(source for source in SOURCES if source != 'auto')})"
    )


def _helpdesk(head: str) -> str | None:
    """A helpdesk export recognised by the keys its records carry."""
    if '"conversation_parts"' in head or '"type": "conversation' in head:
        return "intercom"
    if '"description_text"' in head:
        return "freshdesk"
    if '"requester_id"' in head and (
        '"comments"' in head or '"via"' in head or '"tickets"' in head
    ):
        return "zendesk"
    return None
