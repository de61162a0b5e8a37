"""The "Persona changes" page: switches in the user's book, with what changed and what to do."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from cspersona.http.deps import SessionDep
from cspersona.personas.changes import persona_changes
from cspersona.personas.models import Persona
from cspersona.web.deps import PageUser
from cspersona.web.pagination import Pager
from cspersona.web.templating import render

router = APIRouter(include_in_schema=False)

CHANGES_PER_PAGE = 20


@router.get("/persona-changes", response_class=HTMLResponse)
def persona_changes_page(
    request: Request,
    principal: PageUser,
    db_session: SessionDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """Every switch of the customers the user may see, newest first."""
    entries, total = persona_changes(
        db_session=db_session,
        visible_to=principal,
        limit=CHANGES_PER_PAGE,
        offset=(page - 1) * CHANGES_PER_PAGE,
    )
    context = {
        "entries": entries,
        "pager": Pager(page=page, per_page=CHANGES_PER_PAGE, total=total),
        "has_personas": bool(entries) or db_session.scalar(select(Persona.id).limit(1)) is not None,
    }
    return render(request, "persona_changes/list.html", context, principal=principal)
