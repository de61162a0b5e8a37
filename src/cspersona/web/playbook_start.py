"""Starting a playbook for a customer by hand, from the customer's page.

The CSM picks an active playbook; the customer enters through ``playbooks.enrolment.enter`` like
any trigger (same dedupe, re-entry limit and held-back draw), and the answer says in words what
happened.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.auth.policy import Permission, Principal, require
from cspersona.customers.models import Customer
from cspersona.db.types import utc_now
from cspersona.http.deps import MAX_ID, TEXT_PATTERN, SessionDep
from cspersona.playbooks import service
from cspersona.playbooks.definition import TriggerKind
from cspersona.playbooks.enrolment import Entry, EntryResult, enter, open_enrolment
from cspersona.playbooks.models import Enrolment, PlaybookStatus, TaskStatus
from cspersona.web.deps import PageCustomer, PageUser
from cspersona.web.playbook_words import reentry_words
from cspersona.web.templating import is_partial, render

router = APIRouter(include_in_schema=False)


def playbooks_context(
    db_session: Session, customer: Customer, principal: Principal
) -> dict[str, Any]:
    """What the customer page's playbook panel shows: open entries, and what may be started."""
    entries = list(
        db_session.scalars(
            select(Enrolment)
            .where(Enrolment.customer_id == customer.id, Enrolment.exited_at.is_(None))
            .order_by(Enrolment.entered_at.desc())
        )
    )
    return {
        "playbook_entries": entries,
        "startable": service.get_all(db_session=db_session, status=PlaybookStatus.ACTIVE),
        "can_start": principal.can(Permission.WORK_TASKS),
        "open_status": TaskStatus.OPEN,
    }


def outcome_words(entry: Entry, customer: Customer, playbook_name: str, reentry: str) -> str:
    """What entering did, as a sentence for the CSM."""
    company = customer.company_name
    enrolment = entry.enrolment
    if entry.result is EntryResult.ENTERED and enrolment is not None:
        tasks = enrolment.tasks
        first = min(task.due_on for task in tasks).isoformat() if tasks else None
        owners = ", ".join(sorted({task.owner for task in tasks}))
        return f"{company} entered “{playbook_name}”: {len(tasks)} task(s) created" + (
            f", the first due {first}, for {owners}." if first else "."
        )
    if entry.result is EntryResult.HELD_BACK:
        return (
            f"{company} entered “{playbook_name}” in the held-back group, which gets no tasks "
            "so the playbook's effect can be measured."
        )
    if entry.result is EntryResult.UPDATED and enrolment is not None:
        return (
            f"{company} is already in “{playbook_name}” (since "
            f"{enrolment.entered_at.date().isoformat()}): no new tasks."
        )
    return f"{company} cannot enter “{playbook_name}” again yet: {reentry}."


@router.post("/customers/{customer_id}/playbooks", response_class=HTMLResponse)
def start_playbook(
    request: Request,
    customer: PageCustomer,
    principal: PageUser,
    db_session: SessionDep,
    playbook_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    why: Annotated[str, Form(max_length=500, pattern=TEXT_PATTERN)] = "",
) -> HTMLResponse:
    """Enter the customer into an active playbook by hand; answers with the panel and the result.

    HTMX swaps the panel in place; a plain form post (before HTMX loaded) gets it as a page.
    """
    require(principal, Permission.WORK_TASKS)
    playbook = service.get(db_session=db_session, playbook_id=playbook_id)
    if playbook.status is PlaybookStatus.ACTIVE:
        # A second start without a reason keeps the reason the customer entered with.
        current = open_enrolment(db_session, playbook_id=playbook.id, customer_id=customer.id)
        entry = enter(
            db_session,
            playbook=playbook,
            customer=customer,
            reason=TriggerKind.MANUAL.value,
            detail=why.strip() or (current.detail if current else ""),
            at=utc_now(),
            entered_by=principal.user_name,
        )
        reentry = reentry_words(playbook.definition.reentry)
        result = outcome_words(entry, customer, playbook.name, reentry)
    else:
        result = f"“{playbook.name}” is {playbook.status.value}: only active playbooks start."
    context = {
        "customer": customer,
        "result": result,
        **playbooks_context(db_session, customer, principal),
    }
    template = "customers/_playbooks.html" if is_partial(request) else "customers/playbooks.html"
    return render(request, template, context, principal=principal)
