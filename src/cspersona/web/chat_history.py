"""The chat history page: a user's own conversations and practice runs, and scores over time."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from cspersona.chat import history
from cspersona.chat.schemas import ScenarioRunRead
from cspersona.http.deps import SessionDep
from cspersona.web.charts import scores_figure
from cspersona.web.deps import PageUser
from cspersona.web.pagination import Pager
from cspersona.web.templating import is_partial, render

router = APIRouter(include_in_schema=False)

CONVERSATIONS_PER_PAGE = 20
PageNumber = Annotated[int, Query(ge=1, le=100_000, description="1-based page number.")]


def scores_by_scenario(runs: list[ScenarioRunRead]) -> dict[str, list[ScenarioRunRead]]:
    """The runs of each scenario, oldest first, scenarios in the order first played."""
    grouped: dict[str, list[ScenarioRunRead]] = {}
    for run in runs:
        grouped.setdefault(run.scenario_title, []).append(run)
    return grouped


@router.get("/chat/history", response_class=HTMLResponse)
def history_page(
    request: Request, principal: PageUser, db_session: SessionDep, page: PageNumber = 1
) -> HTMLResponse:
    """The user's conversations, newest first, each reopening in the chat; HTMX gets the table."""
    conversations, total = history.conversations(
        db_session=db_session,
        user_id=principal.user_id,
        limit=CONVERSATIONS_PER_PAGE,
        offset=(page - 1) * CONVERSATIONS_PER_PAGE,
    )
    context = {
        "conversations": conversations,
        "pager": Pager(page=page, per_page=CONVERSATIONS_PER_PAGE, total=total),
    }
    if is_partial(request):
        return render(request, "chat/_conversations.html", context, principal=principal)
    runs = history.runs(db_session=db_session, user_id=principal.user_id)
    context |= {
        "scores": scores_by_scenario(runs),
        "scores_figure": scores_figure(runs) if runs else None,
    }
    return render(request, "chat/history.html", context, principal=principal)
