"""How far the book has drifted from the stored persona model, and whether that calls for a refit.

Measured on every pipeline run from the run's placement of every customer the model was fitted
on (churned ones too: an unchanged book then measures no drift), against three thresholds
(settings ``persona_refit_*``): the share of customers whose best persona changed, how far the
customers a persona holds now sit from its stored centre (relative to its radius: the distance
within which 95% of its members sat at the build), and the drop of the mean confidence since the
build.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cspersona.config import Settings
from cspersona.personas.artifact import PersonaArtifact
from cspersona.personas.placement import Placement

# Fewer members than this say more about chance than about a moving centre.
MIN_MEMBERS_FOR_SHIFT = 3


@dataclass(frozen=True)
class Drift:
    """One run's drift figures (``shifted`` is the persona id whose centre moved most)."""

    compared: int
    best_changed: int
    centroid_shift: float
    shifted: int | None
    fit_now: float
    fit_at_build: float | None

    @property
    def changed_share(self) -> float:
        """Share of the customers with a persona before whose best persona changed."""
        return self.best_changed / self.compared if self.compared else 0.0

    @property
    def fit_drop(self) -> float:
        """How much the mean confidence fell since the build (0 when unknown or risen)."""
        return 0.0 if self.fit_at_build is None else max(0.0, self.fit_at_build - self.fit_now)

    def refit_reasons(self, settings: Settings, names: dict[int, str]) -> list[str]:
        """Which thresholds this drift passes, each in words (empty: no refit)."""
        reasons = []
        if self.changed_share >= settings.persona_refit_switch_share:
            reasons.append(
                f"{self.changed_share:.1%} of customers changed persona "
                f"(threshold {settings.persona_refit_switch_share:.0%})"
            )
        if self.centroid_shift >= settings.persona_refit_centroid_shift:
            reasons.append(
                f"{names.get(self.shifted or 0, 'a persona')}'s customers moved "
                f"{self.centroid_shift:.2f} of its radius from its centre "
                f"(threshold {settings.persona_refit_centroid_shift:.2f})"
            )
        if self.fit_drop >= settings.persona_refit_fit_drop:
            reasons.append(
                f"the mean fit fell from {self.fit_at_build:.2f} to {self.fit_now:.2f} "
                f"(threshold a drop of {settings.persona_refit_fit_drop:.2f})"
            )
        return reasons


def centroid_shift(
    artifact: PersonaArtifact, frame: pd.DataFrame, placement: Placement
) -> tuple[float, int | None]:
    """The largest distance between a persona's stored centre and its members' mean now.

    Members are the customers whose best persona it is, in the model's reduced space; the
    distance is relative to the persona's radius.
    """
    model = artifact.model
    reduced = model.reduce(frame)
    largest, shifted = 0.0, None
    for label, persona_id in enumerate(artifact.persona_ids):
        members = placement.best == persona_id
        if members.sum() < MIN_MEMBERS_FOR_SHIFT:
            continue
        distance = np.linalg.norm(reduced[members].mean(axis=0) - model.cluster_centers_[label])
        shift = float(distance / max(model.typical_radius_[label], 1e-12))
        if shift > largest:
            largest, shifted = shift, int(persona_id)
    return largest, shifted


def measure_drift(
    artifact: PersonaArtifact,
    frame: pd.DataFrame,
    placement: Placement,
    fit_at_build: float | None,
) -> Drift:
    """The drift of the customers in the aligned ``frame`` from the stored model."""
    shift, shifted = centroid_shift(artifact, frame, placement)
    return Drift(
        compared=int(placement.known.sum()),
        best_changed=int(placement.best_changed.sum()),
        centroid_shift=round(shift, 3),
        shifted=shifted,
        fit_now=float(placement.confidence.mean()) if len(frame) else 0.0,
        fit_at_build=fit_at_build,
    )
