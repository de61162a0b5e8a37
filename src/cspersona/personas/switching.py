"""What a persona switch records: what changed, in plain words, and the transition strategy."""

from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from cspersona.analytics.glossary import describe_against
from cspersona.db.documents import json_ready
from cspersona.personas.artifact import PersonaArtifact
from cspersona.personas.features import said
from cspersona.personas.models import Persona, PersonaSwitch
from cspersona.personas.transitions import transition_strategy

SWITCH_CHANGES = 5


def centroid_of(persona: Persona, features: list[str]) -> pd.Series:
    """A persona's stored centroid (mean z-score per feature), NaN where it has none."""
    return pd.Series(persona.centroid[0] if persona.centroid else {}, dtype=float).reindex(features)


def switch_changes(
    artifact: PersonaArtifact, customer: pd.Series, old: Persona, new: Persona
) -> list[dict[str, Any]]:
    """The features that moved the customer, each in words with both personas' typical value.

    Those where the customer (``customer``: their aligned feature row) sits farthest from the
    old persona's mean, in the direction of the new persona's.
    """
    customer_z = (customer - artifact.book_mean) / artifact.book_std.replace(0.0, np.nan)
    old_z, new_z = centroid_of(old, artifact.features), centroid_of(new, artifact.features)
    gap = customer_z - old_z
    towards_new = np.sign(gap) == np.sign(new_z - old_z)
    ranked = gap[towards_new & customer.notna()].abs().dropna().sort_values(ascending=False)
    changes = []
    for feature in said(ranked.index)[:SWITCH_CHANGES]:
        typical = artifact.book_mean[feature] + artifact.book_std[feature] * pd.Series(
            {old.name: old_z[feature], new.name: new_z[feature]}
        )
        changes.append(
            {
                "feature": feature,
                "customer_z": round(float(customer_z[feature]), 2),
                "old_persona_z": round(float(old_z[feature]), 2),
                "new_persona_z": round(float(new_z[feature]), 2),
                "phrase": describe_against(
                    feature, float(customer[feature]), list(typical.astype(float).items())
                ),
            }
        )
    return changes


def new_switch(
    *,
    artifact: PersonaArtifact,
    customer_id: int,
    customer: pd.Series,
    old: Persona,
    new: Persona,
    model_tag: str,
    detected_at: datetime,
) -> PersonaSwitch:
    """The switch row for a customer who moved from ``old`` to ``new``: the alert source."""
    named = [persona.profile.model_copy(update={"name": persona.name}) for persona in (old, new)]
    return PersonaSwitch(
        customer_id=customer_id,
        from_persona_id=old.id,
        to_persona_id=new.id,
        detected_at=detected_at,
        model_version=model_tag,
        changes=json_ready(switch_changes(artifact, customer, old, new)),
        strategy=transition_strategy(*named).model_dump(mode="json"),
    )
