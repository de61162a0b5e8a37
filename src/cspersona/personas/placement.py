"""Where a run places each customer: their best persona, and the one they are given.

A customer near the border of two personas would flip between them on every run as their
features wobble. So a customer keeps their current persona unless another is more probable by at
least a margin (``persona_switch_margin``): the hysteresis every placement goes through.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cspersona.personas.artifact import PersonaArtifact

NO_PERSONA = -1


@dataclass(frozen=True)
class Placement:
    """One run's placement of the customers in ``frame`` order (persona ids; -1: none before)."""

    customer_ids: list[int]
    previous: np.ndarray
    best: np.ndarray
    placed: np.ndarray
    confidence: np.ndarray

    def subset(self, rows: np.ndarray) -> "Placement":
        """The placement of the customers selected by the boolean ``rows``."""
        return Placement(
            customer_ids=[c for c, kept in zip(self.customer_ids, rows, strict=True) if kept],
            previous=self.previous[rows],
            best=self.best[rows],
            placed=self.placed[rows],
            confidence=self.confidence[rows],
        )

    @property
    def known(self) -> np.ndarray:
        """Customers who had a persona before this run."""
        return np.asarray(self.previous != NO_PERSONA)

    @property
    def best_changed(self) -> np.ndarray:
        """Customers whose most probable persona is no longer the one they have."""
        return np.asarray(self.known & (self.best != self.previous))

    @property
    def switched(self) -> np.ndarray:
        """Customers given another persona than before (past the margin)."""
        return np.asarray(self.known & (self.placed != self.previous))


def place(
    artifact: PersonaArtifact,
    frame: pd.DataFrame,
    previous: dict[int, int],
    margin: float,
    merged_into: Mapping[int, int] | None = None,
) -> Placement:
    """Place every customer of the aligned ``frame``, keeping their persona within ``margin``.

    ``merged_into`` sends a persona an analyst merged into another (``edits.merge_targets``) to
    the one it went into, since the stored model still knows it as a cluster of its own.
    """
    targets = merged_into or {}
    model = artifact.model
    probabilities = model.predict_proba(frame)
    best_labels = probabilities.argmax(axis=1)
    label_of = {persona_id: label for label, persona_id in enumerate(artifact.persona_ids)}
    customer_ids = [int(customer_id) for customer_id in frame.index]
    before = np.array([previous.get(customer_id, NO_PERSONA) for customer_id in customer_ids])
    current_labels = np.array([label_of.get(int(persona), NO_PERSONA) for persona in before])
    rows = np.arange(len(customer_ids))
    comparable = current_labels != NO_PERSONA
    current_probability = probabilities[rows, np.where(comparable, current_labels, best_labels)]
    keep = comparable & (probabilities[rows, best_labels] - current_probability < margin)
    placed_labels = np.where(keep, current_labels, best_labels)
    return Placement(
        customer_ids=customer_ids,
        previous=before,
        best=_redirected(artifact.persona_of(best_labels), targets),
        placed=_redirected(artifact.persona_of(placed_labels), targets),
        confidence=model.confidence_in(frame, placed_labels),
    )


def _redirected(persona_ids: np.ndarray, targets: Mapping[int, int]) -> np.ndarray:
    """``persona_ids`` with each merged persona replaced by the one it went into."""
    if not targets:
        return persona_ids
    return np.asarray([targets.get(int(p), int(p)) for p in persona_ids], dtype=np.int64)
