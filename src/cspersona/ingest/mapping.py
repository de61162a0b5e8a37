"""Column-mapping files: load an unfamiliar CSV or JSON layout without writing code.

A mapping names, for each cspersona entity, where each field comes from: a column (a dotted
path in JSON), a constant ``value``, or a ``template`` combining columns; ``map`` translates
values and ``default`` fills blanks. One row may feed several entities: a chat export with one
row per message also yields each conversation once and each customer once. See
docs/ingest.md for the format.
"""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from cspersona.exceptions import BadInput
from cspersona.ingest.records import Entity, InputProblem, RawRecord
from cspersona.ingest.tabular import Row
from cspersona.ingest.validation import known_fields, required_fields

TEMPLATE_FIELD = re.compile(r"\{([^{}]+)\}")
# Fields a mapping may leave out because the rows' order gives them.
DERIVED = {Entity.MESSAGES: {"seq", "external_id"}}


class FieldSpec(BaseModel):
    """Where one field's value comes from."""

    model_config = ConfigDict(extra="forbid")

    column: str | None = None
    value: Any = None
    template: str | None = None
    map: dict[str, Any] | None = None
    default: Any = None

    @model_validator(mode="after")
    def _one_origin(self) -> Self:
        origins = [self.column is not None, self.value is not None, self.template is not None]
        if sum(origins) != 1:
            raise ValueError("give exactly one of column, value or template")
        return self

    def columns(self) -> list[str]:
        """The input columns this field reads."""
        if self.column is not None:
            return [self.column]
        if self.template is not None:
            return TEMPLATE_FIELD.findall(self.template)
        return []

    def resolve(self, values: dict[str, Any]) -> Any:
        """The field's value for one row."""
        if self.value is not None:
            result = self.value
        elif self.column is not None:
            result = lookup(values, self.column)
        else:
            assert self.template is not None
            parts = {name: lookup(values, name) for name in self.columns()}
            if all(part in (None, "") for part in parts.values()):
                result = None
            else:
                filled = TEMPLATE_FIELD.sub(lambda m: _text(parts[m.group(1)]), self.template)
                result = " ".join(filled.split())
        if self.map is not None and result is not None:
            result = self.map.get(str(result).strip(), result)
        if result in (None, "") and self.default is not None:
            result = self.default
        return result


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def lookup(values: dict[str, Any], path: str) -> Any:
    """A column by name, or a nested JSON value by dotted path (``requester.email``)."""
    if path in values:
        return values[path]
    current: Any = values
    for key in path.split("."):
        if not isinstance(current, dict) or key not in current:
            return None
        current = current[key]
    return current


class ColumnMapping(BaseModel):
    """A whole mapping file."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["csv", "json", "jsonl"] | None = None
    records: str | None = None
    source: str = "import"
    delimiter: str | None = None
    encoding: str | None = None
    timezone: str | None = None
    dayfirst: bool | None = None
    detect: list[str] = []
    entities: dict[Entity, dict[str, FieldSpec | str]]

    @model_validator(mode="after")
    def _fields_known_and_required_mapped(self) -> Self:
        for entity, fields in self.entities.items():
            unknown = sorted(set(fields) - set(known_fields(entity)))
            if unknown:
                raise ValueError(
                    f"{entity}: no field {', '.join(unknown)}; "
                    f"fields are {', '.join(known_fields(entity))}"
                )
            missing = [
                name
                for name in required_fields(entity)
                if name not in fields and name not in DERIVED.get(entity, set())
            ]
            if missing:
                raise ValueError(f"{entity}: required field(s) {', '.join(missing)} not mapped")
        return self

    @classmethod
    def load(cls, path: Path) -> "ColumnMapping":
        """Read and check a mapping file; a bad one is a one-line :class:`BadInput`."""
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BadInput(f"mapping file {path} does not exist") from None
        except (yaml.YAMLError, UnicodeDecodeError) as error:
            first_line = str(error).splitlines()[0]
            raise BadInput(f"mapping file {path} is not YAML: {first_line}") from None
        try:
            return cls.model_validate(document)
        except ValidationError as error:
            raise BadInput(f"mapping file {path.name}: {_mapping_error(error)}") from None

    def specs(self, entity: Entity) -> dict[str, FieldSpec]:
        """The field specifications of one entity (a bare string is a column name)."""
        return {
            name: FieldSpec(column=spec) if isinstance(spec, str) else spec
            for name, spec in self.entities.get(entity, {}).items()
        }

    def columns(self) -> set[str]:
        """Every input column the mapping reads."""
        return {
            column
            for entity in self.entities
            for spec in self.specs(entity).values()
            for column in spec.columns()
        }

    def matches(self, header: list[str]) -> bool:
        """Whether a file with ``header`` is the layout this mapping's ``detect`` describes."""
        return bool(self.detect) and set(self.detect) <= set(header)

    def check_header(self, header: list[str], file_name: str) -> None:
        """Refuse a CSV file that lacks columns the mapping reads."""
        missing = sorted(self.columns() - set(header))
        if missing:
            raise InputProblem(
                f"{file_name} has no column {', '.join(repr(name) for name in missing)} "
                f"that the mapping reads (its columns: {', '.join(header)})"
            )

    def records_of(self, rows: Iterator[Row]) -> Iterator[RawRecord]:
        """Apply the mapping to each row, in entity order; repeated parents are yielded once.

        A row that could not be read counts as a record of the last entity (the row's own).
        """
        entities = [entity for entity in Entity if entity in self.entities]
        leaf = entities[-1]
        specs = {entity: self.specs(entity) for entity in entities}
        parents_seen: dict[Entity, set[str]] = {entity: set() for entity in entities}
        next_seq: dict[str, int] = {}
        for row in rows:
            if row.values is None:
                yield RawRecord(leaf, None, row.location, row.raw, row.problem)
                continue
            for entity in entities:
                fields = {name: spec.resolve(row.values) for name, spec in specs[entity].items()}
                if entity is not leaf:
                    key = str(fields.get("external_id") or sorted(fields.items()))
                    if key in parents_seen[entity]:
                        continue
                    parents_seen[entity].add(key)
                if entity is Entity.MESSAGES:
                    _derive_message_order(fields, next_seq)
                yield RawRecord(entity, fields, row.location, row.raw)


def _derive_message_order(fields: dict[str, Any], next_seq: dict[str, int]) -> None:
    """Number messages by their order in the file when the export has no sequence column."""
    conversation = str(fields.get("interaction_external_id"))
    if fields.get("seq") in (None, ""):
        fields["seq"] = next_seq.get(conversation, 0)
        next_seq[conversation] = fields["seq"] + 1
    if fields.get("external_id") in (None, ""):
        fields["external_id"] = f"{conversation}:{fields['seq']}"


def _mapping_error(error: ValidationError) -> str:
    detail = error.errors(include_url=False)[0]
    where = ".".join(str(part) for part in detail["loc"])
    message = str(detail["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message
