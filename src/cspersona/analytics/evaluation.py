"""Scoring the analytics against a synthetic world's ground truth (tests and benchmarks only).

The pipeline never imports this module. Truth rows are joined to database rows by external id.
``add_truth_analysis`` stands in for the NLP stage with the generator's message labels, so the
dynamics rules can be checked apart from the sentiment model's errors.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from cspersona.analytics.history import EMOTIONS
from cspersona.analytics.models import InteractionAnalysis
from cspersona.conversations.models import Interaction, Message
from cspersona.nlp.models import MessageAnalysis
from cspersona.synth.world import CustomerBundle

TruthRows = Mapping[str, Mapping[str, Any]]
TRUTH_SENTIMENT = {"negative": -0.6, "neutral": 0.0, "positive": 0.6}
NAMED_EMOTION = 0.8
UNNAMED_EMOTION = 0.05


class TruthCollector:
    """A generation sink that keeps every customer's truth rows, by file name."""

    def __init__(self) -> None:
        """Start empty."""
        self.rows: dict[str, list[dict[str, Any]]] = {}

    def write(self, bundle: CustomerBundle) -> None:
        """Collect one customer's truth."""
        for name, rows in bundle.truth.items():
            self.rows.setdefault(name, []).extend(rows)

    def by_id(self, name: str) -> dict[str, Mapping[str, Any]]:
        """One truth file's rows keyed by external id."""
        return by_external_id(self.rows.get(name, []))


def by_external_id(rows: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """Truth rows keyed by their external id."""
    return {row["external_id"]: row for row in rows}


def add_truth_analysis(*, db_session: Session, message_truth: TruthRows) -> int:
    """Analyse every message from its truth labels, as a perfect NLP stage would; return count."""
    messages = db_session.execute(
        select(Message.id, Message.external_id).where(Message.external_id.is_not(None))
    ).all()
    rows = []
    for message_id, external_id in messages:
        truth = message_truth.get(external_id or "")
        if truth is None:
            continue
        sentiment = truth.get("sentiment") or "neutral"
        named = set(truth.get("emotions") or ())
        rows.append(
            {
                "message_id": message_id,
                "sentiment_label": sentiment,
                "sentiment_score": TRUTH_SENTIMENT[sentiment],
                "emotions": {
                    emotion: NAMED_EMOTION if emotion in named else UNNAMED_EMOTION
                    for emotion in EMOTIONS
                },
                "analyser_versions": {"truth": "1"},
            }
        )
    if rows:
        db_session.execute(insert(MessageAnalysis), rows)
    return len(rows)


@dataclass(frozen=True)
class EscalationScores:
    """Detected escalations against planted ones."""

    planted: int
    detected: int
    true_positives: int
    same_turn: int
    recovery_agreement: float

    @property
    def precision(self) -> float:
        """Share of detected escalations that were planted."""
        return self.true_positives / self.detected if self.detected else 0.0

    @property
    def recall(self) -> float:
        """Share of planted escalations that were detected."""
        return self.true_positives / self.planted if self.planted else 0.0

    def as_dict(self) -> dict[str, float | int]:
        """The figures for a benchmark line."""
        return {
            "planted": self.planted,
            "detected": self.detected,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "same_turn_share": round(self.same_turn / max(self.true_positives, 1), 4),
            "recovery_agreement": round(self.recovery_agreement, 4),
        }


def escalation_scores(*, db_session: Session, interaction_truth: TruthRows) -> EscalationScores:
    """Compare ``interaction_analysis`` with the planted escalations, turns and recoveries."""
    rows = db_session.execute(
        select(
            Interaction.external_id,
            InteractionAnalysis.escalated,
            InteractionAnalysis.escalation_seq,
            InteractionAnalysis.recovered,
        ).join(InteractionAnalysis, InteractionAnalysis.interaction_id == Interaction.id)
    ).all()
    planted = detected = hits = same_turn = recoveries_agreeing = 0
    for external_id, escalated, seq, recovered in rows:
        truth = interaction_truth.get(external_id or "")
        if truth is None:
            continue
        planted += bool(truth["escalated"])
        detected += escalated
        if escalated and truth["escalated"]:
            hits += 1
            same_turn += seq == truth["escalation_seq"]
            recoveries_agreeing += bool(recovered) == bool(truth["recovered"])
    return EscalationScores(
        planted=planted,
        detected=detected,
        true_positives=hits,
        same_turn=same_turn,
        recovery_agreement=recoveries_agreeing / hits if hits else 0.0,
    )
