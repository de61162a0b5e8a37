"""``/api/insights``: customers ranked by churn risk and by expansion likelihood."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from cspersona.auth.deps import Reader
from cspersona.http.deps import SessionDep
from cspersona.http.limits import TEXT_PATTERN
from cspersona.http.pagination import PageParams, page_params
from cspersona.predict import insights
from cspersona.predict.schemas import ChurnRiskPage, ExpansionPage, Horizon

router = APIRouter(prefix="/insights", tags=["insights"])

PersonaQuery = Annotated[
    str | None,
    Query(max_length=128, pattern=TEXT_PATTERN, description="Only customers of this persona."),
]


@router.get("/churn-risk", response_model=ChurnRiskPage)
def churn_risk(
    principal: Reader,
    db_session: SessionDep,
    page: Annotated[PageParams, Depends(page_params)],
    horizon: Annotated[
        Horizon, Query(description="Churn within this many days.")
    ] = Horizon.DAYS_90,
    persona: PersonaQuery = None,
) -> ChurnRiskPage:
    """Customers the caller may see, riskiest first, with drivers and interventions."""
    items, total = insights.churn_risk(
        db_session=db_session,
        visible_to=principal,
        horizon_days=int(horizon),
        persona=persona or None,
        limit=page.limit,
        offset=page.offset,
    )
    return ChurnRiskPage.of(items, total, page)


@router.get("/expansion", response_model=ExpansionPage)
def expansion(
    principal: Reader,
    db_session: SessionDep,
    page: Annotated[PageParams, Depends(page_params)],
    persona: PersonaQuery = None,
) -> ExpansionPage:
    """Customers the caller may see, likeliest to expand first, with next features and timing."""
    items, total = insights.expansion(
        db_session=db_session,
        visible_to=principal,
        persona=persona or None,
        limit=page.limit,
        offset=page.offset,
    )
    return ExpansionPage.of(items, total, page)
