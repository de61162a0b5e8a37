"""Entity-level scoring of PII detection against gold spans.

A predicted span is correct when some gold span of the same type overlaps it; a gold span is
found when some predicted span of the same type overlaps it. Precision counts the first,
recall the second, so one predicted span covering a whole address block that the gold set
splits into three lines is one correct prediction and three found gold spans.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class LabelledSpan:
    """A typed character span, gold or predicted."""

    entity_type: str
    start: int
    end: int


@dataclass
class TypeScore:
    """Counts for one entity type, and the figures they give."""

    predicted: int = 0
    predicted_correct: int = 0
    gold: int = 0
    gold_found: int = 0

    @property
    def precision(self) -> float:
        """Share of predictions that overlap a gold span of their type."""
        return self.predicted_correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        """Share of gold spans that some prediction of their type overlaps."""
        return self.gold_found / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def add(self, other: "TypeScore") -> None:
        """Accumulate another score's counts into this one."""
        self.predicted += other.predicted
        self.predicted_correct += other.predicted_correct
        self.gold += other.gold
        self.gold_found += other.gold_found

    def as_dict(self) -> dict[str, float | int]:
        """Rounded figures and the counts behind them."""
        return {
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "gold": self.gold,
            "predicted": self.predicted,
        }


@dataclass
class Scores:
    """Per-type scores and their micro-averaged total."""

    per_type: dict[str, TypeScore] = field(default_factory=dict)

    @property
    def overall(self) -> TypeScore:
        """Counts summed over every type (micro average)."""
        total = TypeScore()
        for score in self.per_type.values():
            total.add(score)
        return total

    def add_record(
        self, gold: Iterable[LabelledSpan], predicted: Iterable[LabelledSpan], types: set[str]
    ) -> None:
        """Score one text; spans of types outside ``types`` are ignored on both sides."""
        gold_spans = [span for span in gold if span.entity_type in types]
        predicted_spans = [span for span in predicted if span.entity_type in types]
        for entity_type in types:
            score = self.per_type.setdefault(entity_type, TypeScore())
            gold_of_type = [span for span in gold_spans if span.entity_type == entity_type]
            predicted_of_type = [
                span for span in predicted_spans if span.entity_type == entity_type
            ]
            score.gold += len(gold_of_type)
            score.predicted += len(predicted_of_type)
            score.gold_found += sum(
                any(_overlap(span, other) for other in predicted_of_type) for span in gold_of_type
            )
            score.predicted_correct += sum(
                any(_overlap(span, other) for other in gold_of_type) for span in predicted_of_type
            )


def _overlap(first: LabelledSpan, second: LabelledSpan) -> bool:
    return first.start < second.end and second.start < first.end
