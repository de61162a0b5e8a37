"""What readers produce: one raw record per input row, tagged with its entity and location."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Entity(StrEnum):
    """The kinds of record an import loads, in the order their references require."""

    CUSTOMERS = "customers"
    CONTACTS = "contacts"
    INTERACTIONS = "interactions"
    MESSAGES = "messages"
    NPS_RESPONSES = "nps_responses"
    USAGE_DAILY = "usage_daily"
    LIFECYCLE_EVENTS = "lifecycle_events"


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One input record before validation.

    ``fields`` uses cspersona's field names (docs/data-format.md); ``location`` says where the
    record is (``file.csv:12``, ``export.json $.tickets[3]``); ``raw`` is its original text,
    kept for the quarantine. A record the reader could not parse has ``problem`` set instead of
    ``fields``.
    """

    entity: Entity
    fields: dict[str, Any] | None
    location: str
    raw: str
    problem: str | None = None


class InputProblem(Exception):
    """A whole input cannot be read (empty, binary, unknown layout); other inputs still load."""

    def __init__(self, message: str) -> None:
        """Keep the one-line message shown to the user."""
        super().__init__(message)
        self.message = message
