"""The churn-risk table: customers by churn probability with drivers and interventions inline."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from cspersona.customers.schemas import SortOrder
from cspersona.http.deps import SessionDep
from cspersona.predict import insights
from cspersona.predict.schemas import RiskSort
from cspersona.reports import service
from cspersona.web.deps import PageUser
from cspersona.web.pagination import Pager
from cspersona.web.templating import is_partial, render

router = APIRouter(include_in_schema=False)

ROWS_PER_PAGE = 25


@router.get("/risk", response_class=HTMLResponse)
def churn_risk(
    request: Request,
    principal: PageUser,
    db_session: SessionDep,
    horizon: Annotated[int, Query(description="30, 60 or 90 days.")] = 90,
    persona: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    sort: RiskSort = RiskSort.PROBABILITY,
    order: SortOrder = SortOrder.DESC,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """Customers ranked by risk; HTMX requests get just the results table."""
    horizon = horizon if horizon in service.HORIZONS else 90
    rows, total = insights.churn_risk(
        db_session=db_session,
        visible_to=principal,
        horizon_days=horizon,
        persona_id=persona,
        sort=sort,
        descending=order is SortOrder.DESC,
        limit=ROWS_PER_PAGE,
        offset=(page - 1) * ROWS_PER_PAGE,
    )
    context = {
        "rows": rows,
        "pager": Pager(page=page, per_page=ROWS_PER_PAGE, total=total),
        "horizon": horizon,
        "persona": persona,
        "sort": sort,
        "order": order,
    }
    if is_partial(request):
        return render(request, "risk/_results.html", context, principal=principal)
    context |= {
        "horizons": service.HORIZONS,
        "personas": service.get_personas(db_session=db_session),
    }
    return render(request, "risk/list.html", context, principal=principal)
