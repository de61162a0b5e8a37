"""Assigning customers to personas: mappings, snapshots, and switching alerts saying what moved."""

from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspersona.config import Settings
from cspersona.customers.models import Customer
from cspersona.db.documents import json_ready
from cspersona.db.types import utc_now
from cspersona.personas.artifact import PersonaArtifact, latest_artifact
from cspersona.personas.edits import redirect_merged
from cspersona.personas.features import persona_features, said
from cspersona.personas.models import Persona, PersonaMapping, PersonaSnapshot, PersonaSwitch

SWITCH_CHANGES = 5


def latest_assignments(db_session: Session) -> dict[int, int]:
    """Each customer's persona in their newest snapshot (empty before the first build)."""
    newest = (
        select(PersonaSnapshot.customer_id, func.max(PersonaSnapshot.id).label("id"))
        .group_by(PersonaSnapshot.customer_id)
        .subquery()
    )
    rows = db_session.execute(
        select(PersonaSnapshot.customer_id, PersonaSnapshot.persona_id).join(
            newest, PersonaSnapshot.id == newest.c.id
        )
    )
    return {int(customer_id): int(persona_id) for customer_id, persona_id in rows}


def _switch_changes(
    customer_z: pd.Series, old_centroid: pd.Series, new_centroid: pd.Series
) -> list[dict[str, Any]]:
    """What moved a customer: features where they now sit far from the old persona's mean."""
    gap = (customer_z - old_centroid).abs().dropna().sort_values(ascending=False)
    gap = gap[said(gap.index)]
    return [
        {
            "feature": feature,
            "customer_z": round(float(customer_z[feature]), 2),
            "old_persona_z": round(float(old_centroid[feature]), 2),
            "new_persona_z": round(float(new_centroid.get(feature, np.nan)), 2),
        }
        for feature in gap.index[:SWITCH_CHANGES]
    ]


def _persona_centroids(db_session: Session, features: list[str]) -> dict[int, pd.Series]:
    """Every persona's stored centroid (mean z-score per feature)."""
    return {
        persona.id: pd.Series(persona.centroid[0], dtype=float).reindex(features)
        for persona in db_session.scalars(select(Persona))
        if persona.centroid
    }


def record_assignments(
    *,
    db_session: Session,
    artifact: PersonaArtifact,
    model_tag: str,
    frame: pd.DataFrame,
    taken_at: datetime,
) -> int:
    """Map, snapshot and (on a change of persona) alert for every customer in ``frame``.

    Returns the number of switching alerts raised.
    """
    model = artifact.model
    labels = model.predict(frame)
    confidence = model.confidence(frame)
    coordinates = model.map_coordinates(frame)
    personas = redirect_merged(db_session, artifact.persona_of(labels))
    previous = latest_assignments(db_session)
    standardised = artifact.standardised(frame)
    centroids = _persona_centroids(db_session, artifact.features)
    switches = 0
    for row, customer_id in enumerate(frame.index.astype(int)):
        persona_id = int(personas[row])
        db_session.add(
            PersonaMapping(
                customer_id=customer_id,
                persona_id=persona_id,
                confidence_score=float(confidence[row]),
                assigned_at=taken_at,
                model_version=model_tag,
                misfit=bool(confidence[row] < model.misfit_threshold),
                map_x=float(coordinates[row, 0]),
                map_y=float(coordinates[row, 1]),
            )
        )
        db_session.add(
            PersonaSnapshot(
                customer_id=customer_id,
                persona_id=persona_id,
                confidence=float(confidence[row]),
                taken_at=taken_at,
                model_version=model_tag,
            )
        )
        before = previous.get(customer_id)
        if before is not None and before != persona_id:
            switches += 1
            changes = _switch_changes(
                standardised.iloc[row],
                centroids.get(before, pd.Series(dtype=float)),
                centroids.get(persona_id, pd.Series(dtype=float)),
            )
            db_session.add(
                PersonaSwitch(
                    customer_id=customer_id,
                    from_persona_id=before,
                    to_persona_id=persona_id,
                    detected_at=taken_at,
                    model_version=model_tag,
                    changes=json_ready(changes),
                )
            )
    db_session.flush()
    return switches


def assign_new_customers(
    *,
    db_session: Session,
    settings: Settings,
    as_of: datetime | None = None,
    features: pd.DataFrame | None = None,
) -> int:
    """Assign customers the newest model has not seen, without refitting; returns how many."""
    registered, artifact = latest_artifact(db_session=db_session, settings=settings)
    known = set(
        db_session.scalars(
            select(PersonaMapping.customer_id).where(PersonaMapping.model_version == registered.tag)
        )
    )
    assigned = select(PersonaMapping.id).where(
        PersonaMapping.customer_id == Customer.id, PersonaMapping.model_version == registered.tag
    )
    unassigned = db_session.scalar(
        select(func.count()).select_from(Customer).where(~assigned.exists())
    )
    if not unassigned:  # the usual pipeline re-run: no features to compute, no messages to encode
        return 0
    frame = persona_features(db_session=db_session, as_of=as_of) if features is None else features
    new = artifact.aligned(frame[~frame.index.isin(known)])
    if new.empty:
        return 0
    record_assignments(
        db_session=db_session,
        artifact=artifact,
        model_tag=registered.tag,
        frame=new,
        taken_at=as_of or utc_now(),
    )
    return len(new)
