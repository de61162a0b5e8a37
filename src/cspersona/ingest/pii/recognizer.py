"""The recogniser contract (Presidio's shape): each finds the spans of some entity types."""

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import ClassVar

from cspersona.ingest.pii.entities import EntityType, Span


@dataclass(frozen=True)
class AnalysisContext:
    """What the caller knows beyond the text itself.

    ``known_names`` are casefolded name tokens of people the text may mention (the customer's
    contacts); ``not_names`` are casefolded words that must never be taken for a name (the
    product catalogue's features, integrations, competitors).
    """

    known_names: frozenset[str] = field(default_factory=frozenset)
    not_names: frozenset[str] = field(default_factory=frozenset)


class Recognizer(ABC):
    """Finds spans of the entity types it declares; must be cheap to call per message."""

    entities: ClassVar[tuple[EntityType, ...]]

    @abstractmethod
    def analyze(self, text: str, context: AnalysisContext) -> list[Span]:
        """Every span of this recogniser's entity types in ``text``."""
