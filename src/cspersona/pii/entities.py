"""What a detection is: an entity type and a character span, scored."""

from dataclasses import dataclass
from enum import StrEnum


class EntityType(StrEnum):
    """PII kinds, named as Presidio names them where Presidio has one."""

    PERSON = "PERSON"
    EMAIL_ADDRESS = "EMAIL_ADDRESS"
    PHONE_NUMBER = "PHONE_NUMBER"
    STREET_ADDRESS = "STREET_ADDRESS"
    CREDIT_CARD = "CREDIT_CARD"
    IBAN_CODE = "IBAN_CODE"
    US_SSN = "US_SSN"
    IP_ADDRESS = "IP_ADDRESS"
    URL = "URL"
    SECRET = "SECRET"


@dataclass(frozen=True, slots=True)
class Span:
    """One detected entity: ``text[start:end]`` is a ``entity_type`` with confidence ``score``."""

    entity_type: EntityType
    start: int
    end: int
    score: float

    def overlaps(self, other: "Span") -> bool:
        """Whether the two spans share at least one character."""
        return self.start < other.end and other.start < self.end

    def as_dict(self) -> dict[str, object]:
        """The JSON shape ``cspersona pii detect`` writes."""
        return {
            "type": self.entity_type.value,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 2),
        }
