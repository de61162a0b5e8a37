"""Streaming rows out of CSV, JSON-array and JSONL files, each with its location and raw text.

Rows are yielded one at a time: a JSON array is decoded element by element, so a 1 GB export
never sits in memory, and a file truncated in the middle of an element yields everything before
it plus the broken tail as a row that cannot be parsed.
"""

import csv
import io
import itertools
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from cspersona.ingest.records import InputProblem
from cspersona.ingest.sources import decode_problem, open_text

# The csv module refuses fields over 128 KiB; a long field must reach validation instead, which
# quarantines it with a reason (CSPERSONA_INGEST_MAX_FIELD_CHARS).
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
DELIMITERS = ",;\t|"
SNIFF_CHARS = 32 * 1024
JSON_CHUNK_CHARS = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Row:
    """One record of a file: its values by column or key, where it is, and its original text."""

    values: dict[str, Any] | None
    location: str
    raw: str
    problem: str | None = None


def read_rows(
    path: Path,
    file_format: str,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    records_path: str | None = None,
    on_read: Callable[[int], None] | None = None,
) -> Iterator[Row]:
    """Rows of a ``csv``, ``json`` or ``jsonl`` file."""
    newline = "" if file_format == "csv" else None
    handle = open_text(path, encoding=encoding, newline=newline, on_read=on_read)
    with handle:
        try:
            if file_format == "csv":
                yield from _csv_rows(path, handle, delimiter)
            elif file_format == "jsonl":
                yield from _jsonl_rows(path, handle)
            elif records_path:
                yield from _json_document_rows(path, handle, records_path)
            else:
                yield from _json_array_rows(path, handle)
        except UnicodeDecodeError as error:
            raise InputProblem(decode_problem(path, handle.encoding, error)) from None


def _csv_rows(path: Path, handle: TextIO, delimiter: str | None) -> Iterator[Row]:
    sample = handle.read(SNIFF_CHARS) + handle.readline()
    if delimiter is None:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else _sniff_delimiter(sample)
    consumed: list[str] = []

    def lines() -> Iterator[str]:
        for line in itertools.chain(io.StringIO(sample, newline=""), handle):
            consumed.append(line)
            yield line

    reader = csv.reader(lines(), delimiter=delimiter, strict=True)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise InputProblem(f"{path.name} is empty: there is nothing to import") from None
    except csv.Error as error:
        raise InputProblem(f"{path.name}: the header row is not CSV ({error})") from None
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise InputProblem(f"{path.name}: the header names {', '.join(duplicates)} twice")
    line = len(consumed) + 1
    consumed.clear()
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raw, location = "".join(consumed), f"{path.name}:{line}"
            line += len(consumed)
            consumed.clear()
            yield Row(None, location, raw, f"malformed CSV: {error} (check its quotes)")
            continue
        raw, location = "".join(consumed), f"{path.name}:{line}"
        line += len(consumed)
        consumed.clear()
        if not any(value.strip() for value in values):
            continue
        if len(values) > len(header):
            problem = f"the row has {len(values)} values but the header names {len(header)} columns"
            yield Row(None, location, raw, problem)
            continue
        padded = values + [""] * (len(header) - len(values))
        pairs = zip(header, padded, strict=True)
        cells = {name: value if value.strip() else None for name, value in pairs}
        yield Row(cells, location, raw)


def _sniff_delimiter(sample: str) -> str:
    lines = sample.splitlines()[:20]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def _jsonl_rows(path: Path, handle: TextIO) -> Iterator[Row]:
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        location = f"{path.name}:{number}"
        try:
            value = json.loads(line.rstrip("\r\n"))
        except json.JSONDecodeError as error:
            yield Row(None, location, line, f"not valid JSON ({error.msg} at column {error.colno})")
            continue
        if not isinstance(value, dict):
            yield Row(None, location, line, "expected a JSON object {...} on the line")
            continue
        yield Row(value, location, line.rstrip("\n"))


def _json_document_rows(path: Path, handle: TextIO, records_path: str) -> Iterator[Row]:
    """The list at ``records_path`` (dotted keys) inside a JSON document read whole."""
    try:
        document = json.load(handle)
    except json.JSONDecodeError as error:
        raise InputProblem(
            f"{path.name} is not valid JSON ({error.msg} at line {error.lineno}, "
            f"column {error.colno}); is the file truncated?"
        ) from None
    records = document
    for key in records_path.split("."):
        records = records.get(key) if isinstance(records, dict) else None
    if not isinstance(records, list):
        raise InputProblem(f"{path.name} has no list of records at {records_path!r}")
    for index, value in enumerate(records):
        location = f"{path.name} $.{records_path}[{index}]"
        raw = json.dumps(value, ensure_ascii=False)
        if isinstance(value, dict):
            yield Row(value, location, raw)
        else:
            yield Row(None, location, raw, "expected a JSON object {...}")


def _json_array_rows(path: Path, handle: TextIO) -> Iterator[Row]:
    """Elements of a top-level JSON array, decoded one at a time."""
    decoder = json.JSONDecoder()
    buffer, position, at_end = "", 0, False

    def more() -> bool:
        nonlocal buffer, position, at_end
        chunk = handle.read(JSON_CHUNK_CHARS)
        buffer, position = buffer[position:] + chunk, 0
        at_end = not chunk
        return bool(chunk)

    def skip_space() -> str:
        nonlocal position
        while True:
            while position < len(buffer) and buffer[position].isspace():
                position += 1
            if position < len(buffer) or not more():
                return buffer[position] if position < len(buffer) else ""

    if skip_space() != "[":
        raise InputProblem(
            f"{path.name} is not a JSON array of records; for a JSON object, name the list "
            "with `records:` in a mapping file (--mapping)"
        )
    position += 1
    index = 0
    if skip_space() == "]":
        return
    while True:
        skip_space()
        try:
            value, end = decoder.raw_decode(buffer, position)
            complete = end < len(buffer) or at_end
        except json.JSONDecodeError as error:
            if not at_end and more():
                continue
            tail = buffer[position:]
            truncated = error.pos >= len(buffer) - 1 or error.msg.startswith("Unterminated")
            reason = (
                f"the file ends inside element [{index}]: is it truncated?"
                if truncated
                else f"element [{index}] is not valid JSON ({error.msg}); reading stops here"
            )
            yield Row(None, f"{path.name} $[{index}]", tail, reason)
            return
        if not complete and more():
            continue
        location = f"{path.name} $[{index}]"
        raw = buffer[position:end]
        if isinstance(value, dict):
            yield Row(value, location, raw)
        else:
            yield Row(None, location, raw, "expected a JSON object {...}")
        position, index = end, index + 1
        separator = skip_space()
        if separator == ",":
            position += 1
        elif separator == "]":
            return
        else:
            tail = buffer[position:] + handle.read()
            reason = (
                f"the file ends after element [{index - 1}] without closing the array: "
                "is it truncated?"
                if not separator
                else f"expected , or ] after element [{index - 1}]; reading stops here"
            )
            if separator or tail.strip():
                yield Row(None, f"{path.name} $[{index}]", tail, reason)
            else:
                raise InputProblem(f"{path.name}: {reason}")
            return
