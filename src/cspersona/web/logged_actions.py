"""The customer page's "Logged actions": the interventions log for one customer, and a form.

A user who works tasks logs what they did (kind, day, hours, note) through the same
``interventions.log.record_action`` as the API and the CLI, with source ``page``.
"""

from datetime import UTC, date, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from cspersona.auth.policy import Permission, Principal, require
from cspersona.customers.models import Customer
from cspersona.exceptions import BadInput
from cspersona.http.deps import SessionDep
from cspersona.http.limits import TEXT_PATTERN
from cspersona.interventions import log
from cspersona.interventions.models import InterventionKind, InterventionSource
from cspersona.interventions.words import ARM_WORDS, KIND_WORDS
from cspersona.web.deps import PageCustomer, PageUser
from cspersona.web.templating import is_partial, render

router = APIRouter(include_in_schema=False)
ACTIONS_SHOWN = 20
# A person logs what they did; entering a playbook is the playbook's own entry.
LOGGABLE = [kind for kind in InterventionKind if kind is not InterventionKind.ENTERED]


def actions_context(
    db_session: Session, customer: Customer, principal: Principal
) -> dict[str, Any]:
    """What the panel shows: the newest entries, newest first, and whether the form is offered."""
    found = log.entries(
        db_session,
        visible_to=principal,
        where=log.LogFilter(customer_id=customer.id),
        limit=ACTIONS_SHOWN,
    )
    return {
        "actions": found.entries,
        "actions_total": found.total,
        "corrected_by": found.corrected_by,
        "kind_words": KIND_WORDS,
        "arm_words": ARM_WORDS,
        "loggable": LOGGABLE,
        "can_log": principal.can(Permission.WORK_TASKS),
        "today": datetime.now(UTC).date(),
    }


@router.post("/customers/{customer_id}/actions", response_class=HTMLResponse)
def log_action(
    request: Request,
    customer: PageCustomer,
    principal: PageUser,
    db_session: SessionDep,
    kind: Annotated[InterventionKind, Form()],
    done_on: Annotated[date, Form()],
    hours: Annotated[float | None, Form(ge=0, le=1000)] = None,
    note: Annotated[str, Form(max_length=2000, pattern=TEXT_PATTERN)] = "",
) -> HTMLResponse:
    """Log an action for the customer; answers with the panel and what happened, in words."""
    require(principal, Permission.WORK_TASKS)
    now = datetime.now(UTC)
    # Today's action is logged as now; an earlier day's at its noon (the hour is not asked).
    performed_at = now if done_on == now.date() else datetime.combine(done_on, time(12), UTC)
    try:
        log.record_action(
            db_session,
            by=principal,
            action=log.Action(customer.id, kind, performed_at, hours, note),
            source=InterventionSource.PAGE,
        )
        result = f"Logged: {KIND_WORDS[kind]} on {done_on:%-d %B %Y}."
    except BadInput as error:
        result = f"Not logged: {error}."
    context = {
        "customer": customer,
        "action_result": result,
        **actions_context(db_session, customer, principal),
    }
    template = "customers/_actions.html" if is_partial(request) else "customers/actions.html"
    return render(request, template, context, principal=principal)
