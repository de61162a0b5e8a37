"""Assigning customers to personas: mappings, snapshots, and switches saying what moved."""

from datetime import datetime

import pandas as pd
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from cspersona.config import Settings
from cspersona.customers.models import Customer
from cspersona.db.types import utc_now
from cspersona.personas.artifact import PersonaArtifact, latest_artifact
from cspersona.personas.edits import merge_targets
from cspersona.personas.features import persona_features
from cspersona.personas.models import Persona, PersonaMapping, PersonaSnapshot
from cspersona.personas.placement import Placement, place
from cspersona.personas.switching import new_switch


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


def write_placement(
    *,
    db_session: Session,
    artifact: PersonaArtifact,
    model_tag: str,
    frame: pd.DataFrame,
    placement: Placement,
    taken_at: datetime,
) -> int:
    """Map and snapshot every placed customer, and record a switch for each who moved.

    A customer placed again by the same model gets a new mapping and loses the old one, deleted
    after the insert so that ids keep rising and the current-persona read model sees the run.
    Returns the number of switches.
    """
    model = artifact.model
    coordinates = model.map_coordinates(frame)
    replaced = select(PersonaMapping.id).where(
        PersonaMapping.model_version == model_tag,
        PersonaMapping.customer_id.in_(placement.customer_ids),
    )
    replaced_ids = list(db_session.scalars(replaced))
    personas = {persona.id: persona for persona in db_session.scalars(select(Persona))}
    for row, customer_id in enumerate(placement.customer_ids):
        persona_id = int(placement.placed[row])
        confidence = float(placement.confidence[row])
        db_session.add(
            PersonaMapping(
                customer_id=customer_id,
                persona_id=persona_id,
                confidence_score=confidence,
                assigned_at=taken_at,
                model_version=model_tag,
                misfit=confidence < model.misfit_threshold,
                map_x=float(coordinates[row, 0]),
                map_y=float(coordinates[row, 1]),
            )
        )
        db_session.add(
            PersonaSnapshot(
                customer_id=customer_id,
                persona_id=persona_id,
                confidence=confidence,
                taken_at=taken_at,
                model_version=model_tag,
            )
        )
        if placement.switched[row]:
            db_session.add(
                new_switch(
                    artifact=artifact,
                    customer_id=customer_id,
                    customer=frame.iloc[row],
                    old=personas[int(placement.previous[row])],
                    new=personas[persona_id],
                    model_tag=model_tag,
                    detected_at=taken_at,
                )
            )
    db_session.flush()
    db_session.execute(delete(PersonaMapping).where(PersonaMapping.id.in_(replaced_ids)))
    return int(placement.switched.sum())


def record_assignments(
    *,
    db_session: Session,
    artifact: PersonaArtifact,
    model_tag: str,
    frame: pd.DataFrame,
    taken_at: datetime,
    margin: float,
) -> int:
    """Place every customer in ``frame`` (keeping their persona within ``margin``) and write it.

    Returns the number of switches recorded.
    """
    placement = place(
        artifact, frame, latest_assignments(db_session), margin, merge_targets(db_session)
    )
    return write_placement(
        db_session=db_session,
        artifact=artifact,
        model_tag=model_tag,
        frame=frame,
        placement=placement,
        taken_at=taken_at,
    )


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
    if not unassigned:  # nothing new: no features to compute, no messages to encode
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
        margin=settings.persona_switch_margin,
    )
    return len(new)
