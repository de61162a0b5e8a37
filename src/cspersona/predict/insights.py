"""Stored churn and expansion scores ranked once per scoring run, then narrowed per caller.

The insights routes and the dashboard's churn-risk page read the same rankings: every customer's
current score (their newest row), riskiest or likeliest first, with the customer's name, ARR, CSM
and current persona. A ranking is computed when the scores, customers or persona mappings change
(:mod:`cspersona.db.cache`) and kept whole; each request then keeps the rows the caller may see,
filters by persona, sorts if asked and cuts a page. Nothing is cached per caller.
"""

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from cspersona.auth.policy import Principal, sees_book
from cspersona.customers.models import Customer
from cspersona.db.cache import read_models
from cspersona.personas.current import MAPPINGS_WATCHED, CurrentPersona, current_personas
from cspersona.predict.models import ChurnScore, ExpansionScore
from cspersona.predict.schemas import ChurnRiskRead, CustomerRef, ExpansionRead, RiskSort

RowT = TypeVar("RowT", bound=CustomerRef)

CHURN_WATCHED = (ChurnScore.scored_at, *MAPPINGS_WATCHED)
EXPANSION_WATCHED = (ExpansionScore.scored_at, *MAPPINGS_WATCHED)


def ranked_churn(*, db_session: Session, horizon_days: int) -> list[ChurnRiskRead]:
    """Every customer's current churn score for ``horizon_days``, riskiest first."""
    return read_models.get(
        db_session,
        ("ranked_churn", horizon_days),
        CHURN_WATCHED,
        lambda: _ranked_churn(db_session, horizon_days),
    )


def _ranked_churn(db_session: Session, horizon_days: int) -> list[ChurnRiskRead]:
    newest = (
        select(func.max(ChurnScore.id))
        .where(ChurnScore.horizon_days == horizon_days)
        .group_by(ChurnScore.customer_id)
    )
    return _ranked(
        db_session,
        ChurnRiskRead,
        select(ChurnScore).where(ChurnScore.id.in_(newest)),
        ChurnScore.customer_id,
        ChurnScore.probability,
    )


def ranked_expansion(*, db_session: Session) -> list[ExpansionRead]:
    """Every customer's current expansion score, likeliest first."""
    return read_models.get(
        db_session, "ranked_expansion", EXPANSION_WATCHED, lambda: _ranked_expansion(db_session)
    )


def _ranked_expansion(db_session: Session) -> list[ExpansionRead]:
    newest = select(func.max(ExpansionScore.id)).group_by(ExpansionScore.customer_id)
    return _ranked(
        db_session,
        ExpansionRead,
        select(ExpansionScore).where(ExpansionScore.id.in_(newest)),
        ExpansionScore.customer_id,
        ExpansionScore.likelihood,
    )


def _ranked(
    db_session: Session,
    schema: type[RowT],
    scores: Select[Any],
    scored_customer: InstrumentedAttribute[int],
    rank: InstrumentedAttribute[float],
) -> list[RowT]:
    """Each score as ``schema``, highest ``rank`` first, with its customer and current persona.

    The customer fills the :class:`CustomerRef` fields; the score row fills the rest, each from
    its attribute of the same name.
    """
    personas = current_personas(db_session=db_session)
    score_fields = schema.model_fields.keys() - CustomerRef.model_fields.keys()
    rows = db_session.execute(
        scores.add_columns(Customer.id, Customer.company_name, Customer.arr, Customer.csm_owner)
        .join(Customer, Customer.id == scored_customer)
        .order_by(rank.desc(), Customer.id)
    )
    return [
        schema.model_validate(
            {
                **_customer_fields(customer_id, name, arr, owner, personas.get(customer_id)),
                **{field: getattr(score, field) for field in score_fields},
            }
        )
        for score, customer_id, name, arr, owner in rows
    ]


def _customer_fields(
    customer_id: int,
    company_name: str,
    arr: float | None,
    csm_owner: str | None,
    persona: CurrentPersona | None,
) -> dict[str, Any]:
    return {
        "customer_id": customer_id,
        "company_name": company_name,
        "arr": arr,
        "csm_owner": csm_owner,
        "persona_id": persona.persona_id if persona else None,
        "persona": persona.persona_name if persona else None,
    }


SORT_KEYS: dict[RiskSort, Callable[[ChurnRiskRead], Any]] = {
    RiskSort.PROBABILITY: lambda row: row.probability,
    RiskSort.ARR: lambda row: row.arr,
    RiskSort.COMPANY_NAME: lambda row: row.company_name,
}


def churn_risk(
    *,
    db_session: Session,
    visible_to: Principal,
    horizon_days: int,
    persona: str | None = None,
    persona_id: int | None = None,
    sort: RiskSort = RiskSort.PROBABILITY,
    descending: bool = True,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[ChurnRiskRead], int]:
    """One page of the caller's customers by churn risk (or ARR, or name), and the total.

    Ties and unknown values (last) keep the ranking's order: riskiest first, then customer id.
    """
    rows = narrow(
        ranked_churn(db_session=db_session, horizon_days=horizon_days),
        visible_to,
        persona=persona,
        persona_id=persona_id,
    )
    if sort is not RiskSort.PROBABILITY or not descending:
        rows = _sorted(rows, SORT_KEYS[sort], descending=descending)
    return rows[offset : offset + limit], len(rows)


def expansion(
    *,
    db_session: Session,
    visible_to: Principal,
    persona: str | None = None,
    persona_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[ExpansionRead], int]:
    """One page of the caller's customers, likeliest to expand first, and the total."""
    rows = narrow(
        ranked_expansion(db_session=db_session),
        visible_to,
        persona=persona,
        persona_id=persona_id,
    )
    return rows[offset : offset + limit], len(rows)


def narrow(
    rows: Sequence[RowT],
    visible_to: Principal,
    *,
    persona: str | None = None,
    persona_id: int | None = None,
) -> list[RowT]:
    """The rows of customers the caller may see, of the persona named or numbered if given."""
    return [
        row
        for row in rows
        if sees_book(visible_to, row.csm_owner)
        and (persona is None or row.persona == persona)
        and (persona_id is None or row.persona_id == persona_id)
    ]


def _sorted(rows: list[RowT], key: Callable[[RowT], Any], *, descending: bool) -> list[RowT]:
    """``rows`` stably sorted by ``key``, rows without a value last in either direction."""
    known = [row for row in rows if key(row) is not None]
    unknown = [row for row in rows if key(row) is None]
    return sorted(known, key=key, reverse=descending) + unknown
