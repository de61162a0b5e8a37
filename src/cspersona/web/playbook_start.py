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
from cspersona.exceptions import Conflict
from cspersona.http.deps import SessionDep
from cspersona.http.limits import MAX_ID, TEXT_PATTERN
from cspersona.playbooks import service
from cspersona.playbooks.clock import work_clock
from cspersona.playbooks.manual import enter_by_hand
from cspersona.playbooks.models import Enrolment, PlaybookStatus, TaskStatus
from cspersona.web.deps import PageCustomer, PageUser
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
    try:
        result = enter_by_hand(
            db_session,
            playbook_id=playbook_id,
            customer_id=customer.id,
            by=principal,
            note=why,
            at=work_clock(db_session),
        ).message
    except Conflict as error:
        result = str(error)
    context = {
        "customer": customer,
        "result": result,
        **playbooks_context(db_session, customer, principal),
    }
    template = "customers/_playbooks.html" if is_partial(request) else "customers/playbooks.html"
    return render(request, template, context, principal=principal)
