"""Explaining a customer's persona: the traits they share with it and the runners-up, in words."""

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.analytics.glossary import describe
from cspersona.config import Settings
from cspersona.db.documents import json_ready
from cspersona.exceptions import NotFound
from cspersona.personas.artifact import latest_artifact
from cspersona.personas.features import persona_features, said
from cspersona.personas.models import Persona
from cspersona.personas.schemas import (
    ExplanationReason,
    PersonaAlternative,
    PersonaExplanation,
)
from cspersona.personas.service import current_mapping, get


def explain(
    *,
    db_session: Session,
    settings: Settings,
    customer_id: int,
    features: pd.DataFrame | None = None,
) -> PersonaExplanation:
    """Why a customer is their persona: the traits they share with it, in plain words."""
    mapping = current_mapping(db_session=db_session, customer_id=customer_id)
    persona = get(db_session=db_session, persona_id=mapping.persona_id)
    _, artifact = latest_artifact(db_session=db_session, settings=settings)
    frame = persona_features(db_session=db_session) if features is None else features
    if customer_id not in frame.index:
        raise NotFound(f"customer {customer_id} has no features; run the pipeline first")
    row = artifact.aligned(frame.loc[[customer_id]])
    z = artifact.standardised(row).iloc[0]
    centroid = pd.Series(persona.centroid[0] if persona.centroid else {}, dtype=float)
    centroid = centroid.reindex(artifact.features)
    shared = (z * centroid).where((np.sign(z) == np.sign(centroid)) & (centroid.abs() >= 0.5))
    shared = shared[said(shared.index)]
    reasons = [
        ExplanationReason(
            feature=feature,
            value=json_ready(float(row.iloc[0][feature])),
            book_mean=json_ready(float(artifact.book_mean[feature])),
            customer_z=round(float(z[feature]), 2),
            persona_z=round(float(centroid[feature]), 2),
            phrase=describe(
                feature, float(row.iloc[0][feature]), float(artifact.book_mean[feature])
            ),
        )
        for feature in shared.dropna().sort_values(ascending=False).index[:5]
    ]
    probabilities = artifact.model.predict_proba(row)[0]
    names = {p.id: p.name for p in db_session.scalars(select(Persona))}
    alternatives = [
        PersonaAlternative(
            persona_id=int(artifact.persona_ids[label]),
            name=names.get(int(artifact.persona_ids[label]), "?"),
            probability=round(float(probabilities[label]), 3),
        )
        for label in np.argsort(-probabilities)[:3]
    ]
    fit = "fits it well" if not mapping.misfit else "does not fit it well (a misfit)"
    summary = [
        f"Customer {customer_id} is {persona.name} with confidence "
        f"{mapping.confidence_score:.2f}, so it {fit}."
    ]
    if reasons:
        traits = "trait" if len(reasons) == 1 else f"{len(reasons)} traits"
        summary.append(f"It shares {traits} with the persona, the clearest: {reasons[0].phrase}.")
    runner_up = next((item for item in alternatives if item.persona_id != persona.id), None)
    if runner_up is not None:
        summary.append(
            f"The next closest persona is {runner_up.name} "
            f"(probability {runner_up.probability:.2f})."
        )
    return PersonaExplanation(
        customer_id=customer_id,
        persona_id=persona.id,
        persona_name=persona.name,
        confidence=round(mapping.confidence_score, 4),
        misfit=mapping.misfit,
        reasons=reasons,
        alternatives=alternatives,
        explanation=" ".join(summary),
    )
