"""CSV, JSON and JSONL files: cspersona's own entity files, or any layout through a mapping."""

import itertools
from collections.abc import Iterator
from pathlib import Path

from cspersona.ingest.mapping import ColumnMapping
from cspersona.ingest.readers.base import Reader, ReadOptions
from cspersona.ingest.records import Entity, InputProblem, RawRecord
from cspersona.ingest.tabular import Row, read_rows
from cspersona.ingest.validation import known_fields, required_fields

ENTITY_NAMES = {entity.value: entity for entity in Entity} | {
    "customer": Entity.CUSTOMERS,
    "companies": Entity.CUSTOMERS,
    "accounts": Entity.CUSTOMERS,
    "contact": Entity.CONTACTS,
    "interaction": Entity.INTERACTIONS,
    "conversations": Entity.INTERACTIONS,
    "message": Entity.MESSAGES,
    "nps": Entity.NPS_RESPONSES,
    "usage": Entity.USAGE_DAILY,
    "lifecycle": Entity.LIFECYCLE_EVENTS,
}
FORMATS = {".csv": "csv", ".tsv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}


def format_of(path: Path) -> str | None:
    """``csv``, ``json`` or ``jsonl`` by file extension."""
    return FORMATS.get(path.suffix.lower())


def entity_named(path: Path) -> Entity | None:
    """The entity a file is named after (``messages.csv``, ``customers.jsonl``)."""
    return ENTITY_NAMES.get(path.stem.lower().replace("-", "_"))


def entity_with_columns(columns: list[str]) -> Entity | None:
    """The one entity whose required fields are all among ``columns``, preferring the most."""
    fitting = [entity for entity in Entity if set(required_fields(entity)) <= set(columns)]
    if not fitting:
        return None
    most = max(len(required_fields(entity)) for entity in fitting)
    best = [entity for entity in fitting if len(required_fields(entity)) == most]
    return best[0] if len(best) == 1 else None


class TableReader(Reader):
    """Rows of a CSV, JSON or JSONL file as records of one entity, or as a mapping says."""

    def __init__(self, file_format: str | None = None) -> None:
        """Read as ``file_format``; ``None`` goes by each file's extension."""
        self.file_format = file_format

    @property
    def name(self) -> str:  # type: ignore[override]
        """The ``--source`` name."""
        return self.file_format or "table"

    def read(self, path: Path, options: ReadOptions) -> Iterator[RawRecord]:
        """Records of ``path``: entity by file name or columns, or by the mapping."""
        mapping = options.mapping
        file_format = (mapping.format if mapping else None) or self.file_format or format_of(path)
        if file_format is None:
            raise InputProblem(
                f"cannot tell the format of {path.name}; name it .csv, .json or .jsonl, "
                "or set `format:` in the mapping"
            )
        rows = read_rows(
            path,
            file_format,
            encoding=mapping.encoding if mapping else None,
            delimiter=mapping.delimiter if mapping else None,
            records_path=mapping.records if mapping else None,
            on_read=options.on_read,
        )
        first, rows = _peek(rows)
        if first is None:
            options.notes.append(f"{path.name} has no records")
            return
        header = list(first.values or {})
        mapping = mapping or self.choose_mapping(path, header)
        if mapping is not None:
            if file_format == "csv" and first.values is not None:
                mapping.check_header(header, path.name)
            yield from mapping.records_of(rows)
            return
        entity = self._entity(path, header, checked=file_format == "csv" and bool(header))
        self._note_ignored(path, header, entity, options)
        for row in rows:
            if row.values is None:
                yield RawRecord(entity, None, row.location, row.raw, row.problem)
            else:
                yield RawRecord(entity, row.values, row.location, row.raw)

    def choose_mapping(self, path: Path, header: list[str]) -> ColumnMapping | None:
        """A packaged mapping for this header; plain tables have none."""
        return None

    @staticmethod
    def _entity(path: Path, header: list[str], *, checked: bool) -> Entity:
        """The file's entity; ``checked``: refuse a CSV header missing a required column."""
        entity = entity_named(path) or entity_with_columns(header)
        if entity is None:
            names = ", ".join(f"{entity.value}.csv" for entity in Entity)
            raise InputProblem(
                f"cannot tell which entity {path.name} holds (columns: {', '.join(header)}); "
                f"name it after one ({names}) or pass --mapping FILE"
            )
        missing = [name for name in required_fields(entity) if name not in header]
        if missing and checked:
            raise InputProblem(
                f"{path.name} lacks required column(s) {', '.join(missing)}; {entity.value} "
                f"need {', '.join(required_fields(entity))}"
            )
        return entity

    @staticmethod
    def _note_ignored(path: Path, header: list[str], entity: Entity, options: ReadOptions) -> None:
        ignored = [name for name in header if name not in known_fields(entity)]
        if ignored:
            options.notes.append(
                f"{path.name}: ignored column(s) {', '.join(ignored)} (not {entity.value} fields)"
            )


def _peek(rows: Iterator[Row]) -> tuple[Row | None, Iterator[Row]]:
    """The first row with values (or the first row), and an iterator still yielding it."""
    seen: list[Row] = []
    for row in rows:
        seen.append(row)
        if row.values is not None:
            break
    if not seen:
        return None, iter(())
    first = next((row for row in seen if row.values is not None), seen[0])
    return first, itertools.chain(seen, rows)
