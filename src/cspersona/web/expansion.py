"""Expansion opportunities: the caller's customers by likelihood to buy more, and when to ask."""

from functools import cache
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from cspersona.catalogue.models import load_catalogue
from cspersona.http.deps import SessionDep, SettingsDep
from cspersona.predict import insights
from cspersona.reports import service
from cspersona.web.deps import PageUser
from cspersona.web.pagination import Pager
from cspersona.web.templating import is_partial, render

router = APIRouter(include_in_schema=False)

ROWS_PER_PAGE = 25


@cache
def feature_names(catalogue_path: Path | None) -> dict[str, str]:
    """The catalogue's product feature names by key ("api" -> "REST API"), read once per path."""
    return {feature.key: feature.name for feature in load_catalogue(catalogue_path).features}


@router.get("/expansion", response_class=HTMLResponse)
def expansion_opportunities(
    request: Request,
    principal: PageUser,
    db_session: SessionDep,
    settings: SettingsDep,
    persona: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """Customers likeliest to expand first; HTMX requests get just the results table."""
    rows, total = insights.expansion(
        db_session=db_session,
        visible_to=principal,
        persona_id=persona,
        limit=ROWS_PER_PAGE,
        offset=(page - 1) * ROWS_PER_PAGE,
    )
    context = {
        "rows": rows,
        "pager": Pager(page=page, per_page=ROWS_PER_PAGE, total=total),
        "persona": persona,
        "feature_names": feature_names(settings.catalogue_path),
    }
    if is_partial(request):
        return render(request, "expansion/_results.html", context, principal=principal)
    context["personas"] = service.get_personas(db_session=db_session)
    return render(request, "expansion/list.html", context, principal=principal)
