"""The customer list: each customer with its status, current persona and 90-day churn risk.

It joins three stages (customers, persona mappings, churn scores), so it is built here, above
them all, rather than in the ``customers`` domain package, which provides the filters and the
status as SQL. Every sort runs in the database, ties broken by id, so pages never overlap.
"""

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Subquery, and_, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from cspersona.auth.policy import Principal
from cspersona.customers import service as customers_service
from cspersona.customers.models import Customer
from cspersona.customers.schemas import CustomerSort, CustomerStatus, SortOrder
from cspersona.customers.status import data_as_of, status_is, status_rank, with_status
from cspersona.personas.models import Persona, PersonaMapping
from cspersona.predict.models import ChurnScore
from cspersona.predict.tiers import RiskTier
from cspersona.reports.schemas import RISK_HORIZON_DAYS, CustomerListFilters, CustomerListItem


def _current_persona() -> Subquery:
    """Each mapped customer's newest mapping (the current persona), with the persona's name."""
    newest = select(func.max(PersonaMapping.id)).group_by(PersonaMapping.customer_id)
    return (
        select(
            PersonaMapping.customer_id,
            Persona.id.label("persona_id"),
            Persona.name.label("persona_name"),
        )
        .join(Persona, Persona.id == PersonaMapping.persona_id)
        .where(PersonaMapping.id.in_(newest))
        .subquery("current_persona")
    )


def _current_risk() -> Subquery:
    """Each scored customer's newest churn score at the list's horizon."""
    newest = (
        select(func.max(ChurnScore.id))
        .where(ChurnScore.horizon_days == RISK_HORIZON_DAYS)
        .group_by(ChurnScore.customer_id)
    )
    return (
        select(ChurnScore.customer_id, ChurnScore.probability, ChurnScore.risk_tier)
        .where(ChurnScore.id.in_(newest))
        .subquery("current_risk")
    )


def get_all(
    *,
    db_session: Session,
    limit: int,
    offset: int,
    filters: CustomerListFilters | None = None,
    sort: CustomerSort = CustomerSort.ID,
    order: SortOrder = SortOrder.ASC,
    visible_to: Principal | None = None,
) -> tuple[list[CustomerListItem], int]:
    """One page of customers with status, persona and risk, and the total count.

    Empty values sort last in both orders. A churned customer shows no risk (a score from before
    they left would describe a live customer) and so sorts with the unscored.
    """
    filters = filters or CustomerListFilters()
    as_of = data_as_of(db_session)
    persona, risk = _current_persona(), _current_risk()
    live = ~status_is(CustomerStatus.CHURNED, as_of)
    statement = (
        customers_service.filtered(filters=filters, as_of=as_of, visible_to=visible_to)
        .outerjoin(persona, persona.c.customer_id == Customer.id)
        .outerjoin(risk, and_(risk.c.customer_id == Customer.id, live))
        .add_columns(
            persona.c.persona_id, persona.c.persona_name, risk.c.risk_tier, risk.c.probability
        )
    )
    if filters.persona_id is not None:
        statement = statement.where(persona.c.persona_id == filters.persona_id)
    if filters.risk_tier is not None:
        statement = statement.where(risk.c.risk_tier == filters.risk_tier.value)
    total = db_session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    keys = _sort_keys(sort, persona, risk, as_of)
    ordering = [(key.desc() if order is SortOrder.DESC else key.asc()).nulls_last() for key in keys]
    rows = db_session.execute(
        statement.order_by(*ordering, Customer.id).limit(limit).offset(offset)
    ).all()
    customers = with_status(db_session=db_session, customers=[row[0] for row in rows])
    return [
        CustomerListItem(
            **customer.model_dump(),
            persona_id=persona_id,
            persona=persona_name,
            risk_tier_90d=None if tier is None else RiskTier(tier),
            churn_probability_90d=probability,
        )
        for customer, (_, persona_id, persona_name, tier, probability) in zip(
            customers, rows, strict=True
        )
    ], total


def _sort_keys(
    sort: CustomerSort, persona: Subquery, risk: Subquery, as_of: date | None
) -> list[ColumnElement[Any] | InstrumentedAttribute[Any]]:
    """What ``sort`` orders by; status reads renewing soon (soonest first), active, churned."""
    if sort is CustomerSort.STATUS:
        return [status_rank(as_of), Customer.renewal_date]
    if sort is CustomerSort.PERSONA:
        return [persona.c.persona_name]
    if sort is CustomerSort.RISK_90D:
        return [risk.c.probability]
    return [CUSTOMER_COLUMNS[sort]]


CUSTOMER_COLUMNS: dict[CustomerSort, InstrumentedAttribute[Any]] = {
    CustomerSort.ID: Customer.id,
    CustomerSort.COMPANY_NAME: Customer.company_name,
    CustomerSort.INDUSTRY: Customer.industry,
    CustomerSort.PLAN: Customer.plan,
    CustomerSort.ARR: Customer.arr,
    CustomerSort.CSM_OWNER: Customer.csm_owner,
    CustomerSort.RENEWAL_DATE: Customer.renewal_date,
}
