"""What the insights routes read: stored churn and expansion scores, ranked, for one caller."""

from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from cspersona.auth.policy import Principal, visible_customers
from cspersona.customers.models import Customer
from cspersona.personas.models import Persona, PersonaMapping
from cspersona.predict.models import ChurnScore, ExpansionScore
from cspersona.predict.schemas import ChurnRiskRead, ExpansionRead


def _latest_persona() -> Any:
    """Each customer's most recent persona mapping, as a subquery (customer_id, persona)."""
    latest = (
        select(func.max(PersonaMapping.id).label("mapping_id"))
        .group_by(PersonaMapping.customer_id)
        .scalar_subquery()
    )
    return (
        select(PersonaMapping.customer_id, Persona.name.label("persona"))
        .join(Persona, Persona.id == PersonaMapping.persona_id)
        .where(PersonaMapping.id.in_(latest))
        .subquery()
    )


def _ranked(
    statement: Select[Any],
    *,
    scored_customer: InstrumentedAttribute[int],
    db_session: Session,
    visible_to: Principal,
    persona: str | None,
    order: ColumnElement[Any],
    limit: int,
    offset: int,
) -> tuple[list[Any], int]:
    """Filter to the caller's customers and a persona, count, sort and cut one page."""
    personas = _latest_persona()
    statement = statement.join(Customer, Customer.id == scored_customer)
    statement = statement.outerjoin(personas, personas.c.customer_id == Customer.id)
    statement = statement.add_columns(Customer.company_name, Customer.csm_owner, personas.c.persona)
    statement = visible_customers(statement, visible_to)
    if persona is not None:
        statement = statement.where(personas.c.persona == persona)
    total = db_session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    rows = db_session.execute(statement.order_by(order, Customer.id).limit(limit).offset(offset))
    return list(rows), total


def churn_risk(
    *,
    db_session: Session,
    visible_to: Principal,
    horizon_days: int,
    persona: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[ChurnRiskRead], int]:
    """Customers ranked by churn probability within ``horizon_days``, riskiest first."""
    rows, total = _ranked(
        select(ChurnScore).where(ChurnScore.horizon_days == horizon_days),
        scored_customer=ChurnScore.customer_id,
        db_session=db_session,
        visible_to=visible_to,
        persona=persona,
        order=ChurnScore.probability.desc(),
        limit=limit,
        offset=offset,
    )
    return [
        ChurnRiskRead(
            customer_id=score.customer_id,
            company_name=company_name,
            csm_owner=csm_owner,
            persona=persona_name,
            horizon_days=score.horizon_days,
            probability=score.probability,
            probability_low=score.probability_low,
            probability_high=score.probability_high,
            drivers=score.drivers,
            interventions=score.interventions,
            model_version=score.model_version,
            scored_at=score.scored_at,
        )
        for score, company_name, csm_owner, persona_name in rows
    ], total


def expansion(
    *,
    db_session: Session,
    visible_to: Principal,
    persona: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[ExpansionRead], int]:
    """Customers ranked by expansion likelihood, likeliest first."""
    rows, total = _ranked(
        select(ExpansionScore),
        scored_customer=ExpansionScore.customer_id,
        db_session=db_session,
        visible_to=visible_to,
        persona=persona,
        order=ExpansionScore.likelihood.desc(),
        limit=limit,
        offset=offset,
    )
    return [
        ExpansionRead(
            customer_id=score.customer_id,
            company_name=company_name,
            csm_owner=csm_owner,
            persona=persona_name,
            likelihood=score.likelihood,
            drivers=score.drivers,
            next_features=score.next_features,
            timing=score.timing,
            model_version=score.model_version,
            scored_at=score.scored_at,
        )
        for score, company_name, csm_owner, persona_name in rows
    ], total
