"""Reading personas: one or a page of them, a customer's mapping, history and switches, exports."""

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from cspersona.customers.models import Customer
from cspersona.exceptions import NotFound
from cspersona.personas.models import (
    Persona,
    PersonaFeedback,
    PersonaMapping,
    PersonaOutlook,
    PersonaSnapshot,
    PersonaSwitch,
)
from cspersona.personas.schemas import OutlookRead, PersonaSummary

# The product brief's target: CSMs agree with more than 85% of persona placements. A persona is
# flagged below it once it has this many verdicts, so one early "disagree" flags nothing.
AGREEMENT_TARGET = 0.85
MIN_VERDICTS = 5


def get(*, db_session: Session, persona_id: int) -> Persona:
    """One persona, or :class:`NotFound`."""
    persona = db_session.get(Persona, persona_id)
    if persona is None:
        raise NotFound(f"persona {persona_id} does not exist")
    return persona


def get_all(
    *, db_session: Session, limit: int = 50, offset: int = 0, include_retired: bool = False
) -> tuple[list[Persona], int]:
    """Personas (active only unless asked), largest first, one page, and the total."""
    query = select(Persona)
    if not include_retired:
        query = query.where(Persona.active.is_(True))
    total = db_session.scalar(select(func.count()).select_from(query.subquery())) or 0
    personas = db_session.scalars(
        query.order_by(Persona.active.desc(), Persona.id).limit(limit).offset(offset)
    )
    return list(personas), total


def agreement_rates(*, db_session: Session) -> dict[int, tuple[float, int]]:
    """Per persona: the share of CSM feedback that agrees, and how many verdicts there are."""
    rows = db_session.execute(
        select(
            PersonaFeedback.persona_id,
            func.avg(case((PersonaFeedback.agree, 1.0), else_=0.0)),
            func.count(),
        ).group_by(PersonaFeedback.persona_id)
    )
    return {persona_id: (float(rate), int(count)) for persona_id, rate, count in rows}


def below_target(rate: float | None, count: int) -> bool:
    """Whether enough CSM verdicts agree too rarely with a persona."""
    return rate is not None and count >= MIN_VERDICTS and rate < AGREEMENT_TARGET


def current_mapping(*, db_session: Session, customer_id: int) -> PersonaMapping:
    """The customer's newest persona mapping, or :class:`NotFound`."""
    mapping = db_session.scalar(
        select(PersonaMapping)
        .where(PersonaMapping.customer_id == customer_id)
        .order_by(PersonaMapping.assigned_at.desc(), PersonaMapping.id.desc())
        .limit(1)
    )
    if mapping is None:
        raise NotFound(f"customer {customer_id} has no persona yet; run cspersona personas build")
    return mapping


def history(*, db_session: Session, customer_id: int) -> list[PersonaSnapshot]:
    """The customer's persona snapshots, oldest first."""
    return list(
        db_session.scalars(
            select(PersonaSnapshot)
            .where(PersonaSnapshot.customer_id == customer_id)
            .order_by(PersonaSnapshot.taken_at, PersonaSnapshot.id)
        )
    )


def switches(*, db_session: Session, customer_id: int | None = None) -> list[PersonaSwitch]:
    """Switching alerts, newest first; one customer's when ``customer_id`` is given."""
    query = select(PersonaSwitch).order_by(
        PersonaSwitch.detected_at.desc(), PersonaSwitch.id.desc()
    )
    if customer_id is not None:
        query = query.where(PersonaSwitch.customer_id == customer_id)
    return list(db_session.scalars(query))


def outlook(*, db_session: Session, customer_id: int) -> list[OutlookRead]:
    """The customer's latest 90-day persona forecast, likeliest persona first."""
    rows = db_session.execute(
        select(
            PersonaOutlook.persona_id,
            Persona.name.label("persona_name"),
            PersonaOutlook.probability,
            PersonaOutlook.horizon_days,
            PersonaOutlook.learned,
        )
        .join(Persona, Persona.id == PersonaOutlook.persona_id)
        .where(PersonaOutlook.customer_id == customer_id)
        .order_by(PersonaOutlook.probability.desc(), Persona.name)
    ).mappings()
    return [OutlookRead.model_validate(dict(row)) for row in rows]


def export_rows(*, db_session: Session) -> list[dict[str, Any]]:
    """Every customer's current persona: customer id, persona id and name, confidence."""
    newest = (
        select(PersonaMapping.customer_id, func.max(PersonaMapping.id).label("id"))
        .group_by(PersonaMapping.customer_id)
        .subquery()
    )
    rows = db_session.execute(
        select(
            PersonaMapping.customer_id,
            Customer.external_id,
            PersonaMapping.persona_id,
            Persona.name,
            PersonaMapping.confidence_score,
            PersonaMapping.misfit,
            PersonaMapping.model_version,
        )
        .join(newest, PersonaMapping.id == newest.c.id)
        .join(Persona, Persona.id == PersonaMapping.persona_id)
        .join(Customer, Customer.id == PersonaMapping.customer_id)
        .order_by(PersonaMapping.customer_id)
    )
    return [
        {
            "customer_id": customer_id,
            "external_id": external_id,
            "persona_id": persona_id,
            "persona_name": name,
            "confidence": round(confidence, 4),
            "misfit": misfit,
            "model_version": model_version,
        }
        for customer_id, external_id, persona_id, name, confidence, misfit, model_version in rows
    ]


def summary(persona: Persona, rates: dict[int, tuple[float, int]]) -> PersonaSummary:
    """A persona's list entry: size and shares from its profile, agreement from feedback."""
    profile = persona.profile
    rate, count = rates.get(persona.id, (None, 0))
    return PersonaSummary.model_validate(persona).model_copy(
        update={
            "customers": profile.customers,
            "customer_share": profile.share.customers if profile.share else None,
            "arr_share": profile.share.arr if profile.share else None,
            "agreement_rate": None if rate is None else round(rate, 4),
            "feedback_count": count,
            "below_target": below_target(rate, count),
        }
    )
