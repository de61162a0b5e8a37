"""Checking raw records against the entity models, with reasons a person can act on."""

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from cspersona.config import Settings
from cspersona.ingest.records import Entity, RawRecord
from cspersona.ingest.schemas import (
    ContactRecord,
    CustomerRecord,
    InteractionRecord,
    LifecycleEventRecord,
    MessageRecord,
    NpsResponseRecord,
    RecordModel,
    UsageDailyRecord,
)
from cspersona.ingest.timestamps import DateReading

MODELS: dict[Entity, type[RecordModel]] = {
    Entity.CUSTOMERS: CustomerRecord,
    Entity.CONTACTS: ContactRecord,
    Entity.INTERACTIONS: InteractionRecord,
    Entity.MESSAGES: MessageRecord,
    Entity.NPS_RESPONSES: NpsResponseRecord,
    Entity.USAGE_DAILY: UsageDailyRecord,
    Entity.LIFECYCLE_EVENTS: LifecycleEventRecord,
}
QUOTED_INPUT_CHARS = 40


def required_fields(entity: Entity) -> list[str]:
    """The fields a record of ``entity`` must have (bold in docs/data-format.md)."""
    return [name for name, field in MODELS[entity].model_fields.items() if field.is_required()]


def known_fields(entity: Entity) -> list[str]:
    """Every field a record of ``entity`` may have."""
    return list(MODELS[entity].model_fields)


@dataclass(frozen=True)
class Validator:
    """Validates raw records with the import's date reading and field length limit."""

    dates: DateReading
    max_chars: int

    @classmethod
    def from_settings(
        cls, settings: Settings, *, timezone: str | None = None, dayfirst: bool | None = None
    ) -> "Validator":
        """Use the settings, or a mapping file's own time zone and day-first choice."""
        reading = DateReading.named(
            timezone or settings.ingest_timezone,
            dayfirst=settings.ingest_dayfirst if dayfirst is None else dayfirst,
        )
        return cls(reading, settings.ingest_max_field_chars)

    def validate(self, record: RawRecord) -> RecordModel | str:
        """The validated model, or the reason the record is refused."""
        if record.problem is not None or record.fields is None:
            return record.problem or "the record could not be read"
        context = {"dates": self.dates, "max_chars": self.max_chars}
        try:
            return MODELS[record.entity].model_validate(record.fields, context=context)
        except ValidationError as error:
            return describe(error)


def describe(error: ValidationError) -> str:
    """One line naming each bad field and what is wrong with it."""
    return "; ".join(_describe_one(detail) for detail in error.errors(include_url=False))


def _describe_one(detail: Any) -> str:
    field = ".".join(str(part) for part in detail["loc"]) or "record"
    kind, given = detail["type"], detail.get("input")
    if kind == "missing" or given is None:
        return f"{field} is missing"
    if kind in {"choice", "date", "over_limit", "json"}:
        return f"{field}: {detail['msg']}"
    if kind in {"string_too_long", "too_long"} and isinstance(given, str):
        return f"{field} is {len(given)} characters; at most {detail['ctx']['max_length']} fit"
    if kind == "string_too_short":
        return f"{field} is empty"
    shown = repr(given)
    if len(shown) > QUOTED_INPUT_CHARS:
        shown = shown[:QUOTED_INPUT_CHARS] + "…"
    return f"{field}: {detail['msg'][0].lower()}{detail['msg'][1:]} (got {shown})"
