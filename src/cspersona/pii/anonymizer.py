"""Detection plus anonymisation, configured per entity type: what ingestion and the CLI use."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cspersona.config import Settings
from cspersona.pii.analyzer import PiiAnalyzer
from cspersona.pii.entities import EntityType, Span
from cspersona.pii.operators import Operator, make_operator
from cspersona.pii.recognizer import AnalysisContext
from cspersona.pii.settings import detected_entities, operator_names


class Anonymizer:
    """Replaces each span with its entity type's operator output."""

    def __init__(self, operators: Mapping[EntityType, Operator]) -> None:
        """One operator per entity type; types without one are left as they are."""
        self.operators = dict(operators)

    def anonymize(self, text: str, spans: Sequence[Span]) -> str:
        """``text`` with every span (non-overlapping, as the analyser returns them) replaced."""
        pieces, position = [], 0
        for span in spans:
            operator = self.operators.get(span.entity_type)
            if operator is None:
                continue
            pieces.append(text[position : span.start])
            pieces.append(operator.operate(text[span.start : span.end], span.entity_type))
            position = span.end
        pieces.append(text[position:])
        return "".join(pieces)


@dataclass
class PiiRedactor:
    """Finds PII and replaces it, as the settings say (types to detect, operator per type)."""

    analyzer: PiiAnalyzer
    anonymizer: Anonymizer

    @classmethod
    def from_settings(cls, settings: Settings, *, operator: str | None = None) -> "PiiRedactor":
        """Build from ``CSPERSONA_PII_*``; ``operator`` overrides the per-type choice for all."""
        entities = detected_entities(settings)
        chosen = operator_names(settings)
        operators = {
            entity_type: make_operator(
                operator or chosen[entity_type], secret_key=settings.secret_key
            )
            for entity_type in entities
        }
        return cls(PiiAnalyzer(entities=entities), Anonymizer(operators))

    def detect(self, text: str, context: AnalysisContext | None = None) -> list[Span]:
        """The PII spans in ``text``."""
        return self.analyzer.analyze(text, context)

    def redact(self, text: str, context: AnalysisContext | None = None) -> str:
        """``text`` with its PII replaced."""
        spans = self.analyzer.analyze(text, context)
        return self.anonymizer.anonymize(text, spans) if spans else text
