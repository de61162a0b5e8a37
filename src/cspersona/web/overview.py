"""The overview page: persona sizes and revenue, churn-risk distribution, sentiment over time."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from cspersona.http.deps import SessionDep
from cspersona.reports import service
from cspersona.web.charts import (
    persona_size_figure,
    revenue_share_figure,
    risk_distribution_figure,
    sentiment_figure,
)
from cspersona.web.deps import PageUser
from cspersona.web.templating import render

router = APIRouter(include_in_schema=False)

Horizon = Annotated[int, Query(description="Churn horizon in days: 30, 60 or 90.")]


@router.get("/overview", response_class=HTMLResponse)
def overview(
    request: Request, principal: PageUser, db_session: SessionDep, horizon: Horizon = 90
) -> HTMLResponse:
    """Three charts over what the pipeline wrote, each with its own empty state."""
    horizon = horizon if horizon in service.HORIZONS else 90
    sizes = service.persona_sizes(db_session=db_session, visible_to=principal)
    buckets = service.risk_distribution(
        db_session=db_session, visible_to=principal, horizon=horizon
    )
    months = service.sentiment_by_month(db_session=db_session, visible_to=principal)
    context = {
        "sizes": sizes,
        "horizon": horizon,
        "horizons": service.HORIZONS,
        "size_figure": persona_size_figure(sizes) if sizes else None,
        "revenue_figure": revenue_share_figure(sizes) if sizes else None,
        "risk_figure": risk_distribution_figure(buckets, horizon) if buckets else None,
        "sentiment_figure": sentiment_figure(months) if months else None,
    }
    return render(request, "overview.html", context, principal=principal)
