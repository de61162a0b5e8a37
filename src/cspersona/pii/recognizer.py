"""The recogniser contract (Presidio's shape): each finds the spans of some entity types."""

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from functools import lru_cache
from typing import ClassVar

from cspersona.pii.entities import EntityType, Span

NON_DIGITS = re.compile(r"\D+")


@lru_cache(maxsize=16)
def digit_count(text: str) -> int:
    """How many digits ``text`` has: most kinds need several, so most texts skip them cheaply."""
    return len(NON_DIGITS.sub("", text))


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
