"""Pydantic models: one per imported entity (what a valid record is), and the run summary.

Record fields read the loose values exports contain ("$1,200", "Yes", "04/03/2025 10:15 PST",
"Live chat") and refuse the rest with a message a person can act on. Validators that need
settings (time zone, day-first dates, the longest field) read them from the validation context
(see :mod:`cspersona.ingest.validation`).
"""

import json
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
)
from pydantic_core import PydanticCustomError

from cspersona.conversations.models import AuthorRole, InteractionType
from cspersona.customers.models import LifecycleKind
from cspersona.ingest.models import RunStatus
from cspersona.ingest.timestamps import DateReading, NotADate

AUTHOR_ROLES = {
    "customer": AuthorRole.CUSTOMER, "client": AuthorRole.CUSTOMER, "user": AuthorRole.CUSTOMER,
    "end-user": AuthorRole.CUSTOMER, "end user": AuthorRole.CUSTOMER,
    "contact": AuthorRole.CUSTOMER, "requester": AuthorRole.CUSTOMER,
    "lead": AuthorRole.CUSTOMER, "caller": AuthorRole.CUSTOMER,
    "agent": AuthorRole.AGENT, "support": AuthorRole.AGENT, "admin": AuthorRole.AGENT,
    "staff": AuthorRole.AGENT, "operator": AuthorRole.AGENT, "bot": AuthorRole.AGENT,
    "csm": AuthorRole.CSM, "customer success manager": AuthorRole.CSM,
    "account manager": AuthorRole.CSM,
}  # fmt: skip
INTERACTION_TYPES = {
    "ticket": InteractionType.TICKET, "case": InteractionType.TICKET,
    "incident": InteractionType.TICKET, "email": InteractionType.EMAIL,
    "e-mail": InteractionType.EMAIL, "mail": InteractionType.EMAIL,
    "chat": InteractionType.CHAT, "live chat": InteractionType.CHAT,
    "messenger": InteractionType.CHAT, "conversation": InteractionType.CHAT,
    "call": InteractionType.CALL, "phone": InteractionType.CALL, "voice": InteractionType.CALL,
    "nps": InteractionType.NPS, "survey": InteractionType.NPS,
    "interview": InteractionType.INTERVIEW, "meeting": InteractionType.INTERVIEW,
}  # fmt: skip
LIFECYCLE_KINDS = {
    "renewed": LifecycleKind.RENEWED, "renewal": LifecycleKind.RENEWED,
    "churned": LifecycleKind.CHURNED, "churn": LifecycleKind.CHURNED,
    "cancelled": LifecycleKind.CHURNED, "canceled": LifecycleKind.CHURNED,
    "expanded": LifecycleKind.EXPANDED, "expansion": LifecycleKind.EXPANDED,
    "upsell": LifecycleKind.EXPANDED, "contracted": LifecycleKind.CONTRACTED,
    "contraction": LifecycleKind.CONTRACTED, "downgraded": LifecycleKind.DOWNGRADED,
    "downgrade": LifecycleKind.DOWNGRADED,
}  # fmt: skip
DEFAULT_MAX_CHARS = 100_000


def _blank_is_none(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _identifier(value: Any) -> Any:
    """Ids arrive as strings or numbers; both mean the same id."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _blank_is_none(value)


def _number(value: Any) -> Any:
    """Amounts as exports write them ("$1,200.50", "1 200", "12%") read as numbers."""
    value = _blank_is_none(value)
    if isinstance(value, str):
        cleaned = re.sub(r"[\s,$€£%]", "", value)
        return cleaned or None
    return value


def _whole_number(value: Any) -> Any:
    value = _number(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d+\.0+", value):
        return value.split(".")[0]
    return value


def _choice(options: dict[str, Any], what: str) -> Any:
    def read(value: Any) -> Any:
        value = _blank_is_none(value)
        if value is None or not isinstance(value, str):
            return value
        key = " ".join(value.casefold().replace("_", " ").split())
        if key in options:
            return options[key]
        allowed = ", ".join(dict.fromkeys(str(option) for option in options.values()))
        raise PydanticCustomError("choice", f"{value!r} is not a {what}: use one of {allowed}")

    return read


def _dated(parse: Callable[[DateReading, Any], Any]) -> Callable[[Any, ValidationInfo], Any]:
    """A validator reading dates as the import's context says (zone, day first)."""

    def read(value: Any, info: ValidationInfo) -> Any:
        value = _blank_is_none(value)
        if value is None:
            return None
        reading: DateReading = (info.context or {}).get("dates", DateReading())
        try:
            return parse(reading, value)
        except NotADate as error:
            raise PydanticCustomError("date", str(error)) from None

    return read


_timestamp = _dated(DateReading.timestamp)
_day = _dated(DateReading.day)


def _long_text(value: Any, info: ValidationInfo) -> Any:
    value = _blank_is_none(value)
    limit = (info.context or {}).get("max_chars", DEFAULT_MAX_CHARS)
    if isinstance(value, str) and len(value) > limit:
        raise PydanticCustomError(
            "over_limit",
            f"{len(value):,} characters is over the limit of {limit:,} "
            "(CSPERSONA_INGEST_MAX_FIELD_CHARS); trim or split it",
        )
    return value


def _json_object(value: Any) -> Any:
    value = _blank_is_none(value)
    if value is None:
        return {}
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise PydanticCustomError(
                "json", 'is not a JSON object like {"dashboards": 3}'
            ) from None
    return value


# Optional single-line strings of at most N characters (a blank value means none).
Short8 = Annotated[
    Annotated[str, StringConstraints(max_length=8)] | None, BeforeValidator(_blank_is_none)
]
Short16 = Annotated[
    Annotated[str, StringConstraints(max_length=16)] | None, BeforeValidator(_blank_is_none)
]
Short32 = Annotated[
    Annotated[str, StringConstraints(max_length=32)] | None, BeforeValidator(_blank_is_none)
]
Short64 = Annotated[
    Annotated[str, StringConstraints(max_length=64)] | None, BeforeValidator(_blank_is_none)
]
Short128 = Annotated[
    Annotated[str, StringConstraints(max_length=128)] | None, BeforeValidator(_blank_is_none)
]
Short255 = Annotated[
    Annotated[str, StringConstraints(max_length=255)] | None, BeforeValidator(_blank_is_none)
]
ExternalId = Annotated[str, BeforeValidator(_identifier), Field(min_length=1, max_length=128)]
OptionalId = Annotated[
    Annotated[str, StringConstraints(max_length=128)] | None, BeforeValidator(_identifier)
]
Timestamp = Annotated[datetime, BeforeValidator(_timestamp)]
OptionalTimestamp = Annotated[datetime | None, BeforeValidator(_timestamp)]
OptionalDay = Annotated[date | None, BeforeValidator(_day)]
Day = Annotated[date, BeforeValidator(_day)]
Text = Annotated[str, BeforeValidator(_long_text), Field(min_length=1)]
OptionalText = Annotated[str | None, BeforeValidator(_long_text)]
# Counts are read by pydantic itself ("41" and 41.0 are 41): usage has hundreds of thousands.
Count = Annotated[int, Field(ge=0)]
Money = Annotated[float | None, BeforeValidator(_number)]


class RecordModel(BaseModel):
    """Base of the entity records: unknown fields are ignored, never stored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class CustomerRecord(RecordModel):
    """A customer company (``customers`` file)."""

    external_id: ExternalId
    company_name: Annotated[
        str, BeforeValidator(_blank_is_none), Field(min_length=1, max_length=255)
    ]
    industry: Short64 = None
    size: Short32 = None
    plan: Short32 = None
    arr: Money = None
    region: Short32 = None
    language: Short8 = None
    contract_start: OptionalDay = None
    renewal_date: OptionalDay = None
    csm_owner: Short255 = None


class ContactRecord(RecordModel):
    """A person at a customer (``contacts`` file)."""

    external_id: ExternalId
    customer_external_id: ExternalId
    name: Short255 = None
    role: Short128 = None
    email: Short255 = None
    phone: Short64 = None


class InteractionRecord(RecordModel):
    """One conversation (``interactions`` file)."""

    external_id: ExternalId
    customer_external_id: ExternalId
    contact_external_id: OptionalId = None
    type: Annotated[
        InteractionType, BeforeValidator(_choice(INTERACTION_TYPES, "conversation type"))
    ]
    channel: Short32 = None
    subject: OptionalText = None
    status: Short32 = None
    priority: Short16 = None
    started_at: Timestamp
    closed_at: OptionalTimestamp = None
    # People in the conversation (speakers, helpdesk users): never stored, they only help find
    # their names in its text.
    participants: list[str] = []


class MessageRecord(RecordModel):
    """One turn of a conversation (``messages`` file)."""

    external_id: OptionalId = None
    interaction_external_id: ExternalId
    seq: Count
    author_role: Annotated[
        AuthorRole, BeforeValidator(_choice(AUTHOR_ROLES, "message author role"))
    ]
    author_id: OptionalId = None
    sent_at: Timestamp
    text: Text


class NpsResponseRecord(RecordModel):
    """An NPS answer (``nps_responses`` file)."""

    external_id: ExternalId
    customer_external_id: ExternalId
    contact_external_id: OptionalId = None
    score: Annotated[int, BeforeValidator(_whole_number), Field(ge=0, le=10)]
    comment: OptionalText = None
    answered_at: Timestamp


class UsageDailyRecord(RecordModel):
    """One customer's usage on one day (``usage_daily`` file)."""

    customer_external_id: ExternalId
    day: Day
    active_users: Count | None = None
    logins: Count | None = None
    events: Count | None = None
    feature_adoption: Annotated[dict[str, Count], BeforeValidator(_json_object)] = {}


class LifecycleEventRecord(RecordModel):
    """A contract event (``lifecycle_events`` file)."""

    customer_external_id: ExternalId
    kind: Annotated[
        LifecycleKind, BeforeValidator(_choice(LIFECYCLE_KINDS, "lifecycle event kind"))
    ]
    at: Timestamp
    amount: Money = None
    note: OptionalText = None


class EntityCounts(BaseModel):
    """How one entity's records ended: received = loaded + duplicates + quarantined."""

    received: int = 0
    loaded: int = 0
    duplicates: int = 0
    quarantined: int = 0


class QuarantineRead(BaseModel):
    """A record the import did not load, and why."""

    model_config = ConfigDict(from_attributes=True)

    entity: str
    kind: str
    source: str
    row_ref: str
    reason: str


class IngestionRunRead(BaseModel):
    """An import as the API and ``cspersona ingest --json`` report it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    source: str
    paths: list[str]
    status: RunStatus
    started_at: datetime
    finished_at: datetime | None
    summary: dict[str, Any]
    error: str | None
