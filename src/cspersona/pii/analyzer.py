"""The analyser: runs a registry of recognisers and keeps one answer where spans overlap."""

from collections.abc import Iterable, Sequence

from cspersona.pii.addresses import StreetAddressRecognizer
from cspersona.pii.entities import EntityType, Span
from cspersona.pii.names import PersonRecognizer
from cspersona.pii.patterns import (
    CreditCardRecognizer,
    EmailRecognizer,
    IbanRecognizer,
    IpAddressRecognizer,
    SecretRecognizer,
    SecretUrlRecognizer,
    UsSsnRecognizer,
)
from cspersona.pii.phones import PhoneRecognizer
from cspersona.pii.recognizer import AnalysisContext, Recognizer

# Where two detections overlap, the more specific kind wins: a card number inside an address
# line is a card number, and an e-mail address is not a person's name.
PRECEDENCE = (
    EntityType.SECRET,
    EntityType.URL,
    EntityType.EMAIL_ADDRESS,
    EntityType.IBAN_CODE,
    EntityType.CREDIT_CARD,
    EntityType.US_SSN,
    EntityType.IP_ADDRESS,
    EntityType.STREET_ADDRESS,
    EntityType.PHONE_NUMBER,
    EntityType.PERSON,
)
# Kinds whose spans may be cut around a more specific span instead of being dropped: an
# address block with a card number after it keeps its address lines.
DIVISIBLE = frozenset({EntityType.STREET_ADDRESS})
MIN_PIECE = 4
RANK = {entity_type: rank for rank, entity_type in enumerate(PRECEDENCE)}


def default_recognizers() -> list[Recognizer]:
    """One recogniser per supported entity type."""
    return [
        SecretRecognizer(),
        SecretUrlRecognizer(),
        EmailRecognizer(),
        IbanRecognizer(),
        CreditCardRecognizer(),
        UsSsnRecognizer(),
        IpAddressRecognizer(),
        PhoneRecognizer(),
        StreetAddressRecognizer(),
        PersonRecognizer(),
    ]


class PiiAnalyzer:
    """Finds PII spans with the recognisers it was given (the defaults when none are)."""

    def __init__(
        self,
        recognizers: Sequence[Recognizer] | None = None,
        entities: Iterable[EntityType] | None = None,
    ) -> None:
        """Keep only the recognisers that find at least one of ``entities`` (all by default)."""
        wanted = set(entities) if entities is not None else set(EntityType)
        self.entities = frozenset(wanted)
        self.recognizers = [
            recognizer
            for recognizer in (recognizers if recognizers is not None else default_recognizers())
            if wanted.intersection(recognizer.entities)
        ]

    def analyze(self, text: str, context: AnalysisContext | None = None) -> list[Span]:
        """Non-overlapping spans in text order."""
        if not text:
            return []
        context = context or AnalysisContext()
        found: list[Span] = []
        for recognizer in self.recognizers:
            found.extend(
                span
                for span in recognizer.analyze(text, context)
                if span.entity_type in self.entities
            )
        return resolve_overlaps(found, text)


def resolve_overlaps(spans: Iterable[Span], text: str) -> list[Span]:
    """Keep the most specific, then most confident, then longest span where spans overlap."""
    kept: list[Span] = []
    ordered = sorted(spans, key=lambda s: (RANK[s.entity_type], -s.score, s.start - s.end))
    for span in ordered:
        conflicts = [other for other in kept if span.overlaps(other)]
        if not conflicts:
            kept.append(span)
        elif span.entity_type in DIVISIBLE:
            piece = _largest_free_piece(span, conflicts, text)
            if piece is not None:
                kept.append(piece)
    return sorted(kept, key=lambda s: s.start)


def _largest_free_piece(span: Span, conflicts: list[Span], text: str) -> Span | None:
    """The longest part of ``span`` no conflict covers, if it still looks like an address."""
    pieces, start = [], span.start
    for other in sorted(conflicts, key=lambda s: s.start):
        pieces.append((start, min(other.start, span.end)))
        start = max(start, other.end)
    pieces.append((start, span.end))
    start, end = max(pieces, key=lambda piece: piece[1] - piece[0])
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    piece = text[start:end]
    if len(piece) < MIN_PIECE or not any(c.isdigit() or c.isupper() for c in piece):
        return None
    return Span(span.entity_type, start, end, span.score)
