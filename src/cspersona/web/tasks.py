"""The CSM's work queue: "My tasks", one task with what to say, and marking it done or skipped.

Every read goes through ``playbooks.queue``, so a CSM sees and acts on their own book only: another
book's task is a 404, as if it did not exist. A refused action (a skip without a reason, a snooze
into the past) shows the task page again with the reason in words.
"""

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from cspersona.auth.policy import Permission, Principal, require
from cspersona.customers.models import Customer
from cspersona.customers.status import data_as_of
from cspersona.db.types import utc_now
from cspersona.exceptions import BadInput, Conflict
from cspersona.http.deps import IdPath, SessionDep
from cspersona.http.limits import TEXT_PATTERN
from cspersona.playbooks import service as playbooks_service
from cspersona.playbooks.clock import work_day
from cspersona.playbooks.context import current_persona, message_context, register_of
from cspersona.playbooks.definition import Step
from cspersona.playbooks.models import Task, TaskStatus
from cspersona.playbooks.queue import get_task, queue
from cspersona.playbooks.rendering import RenderedMessage, render
from cspersona.playbooks.tasks import close, snooze
from cspersona.playbooks.wording import channel_words, kind_words, reason_words
from cspersona.predict.models import ChurnScore
from cspersona.reports import service as reports_service
from cspersona.web.deps import OptionalId, PageUser
from cspersona.web.pagination import Pager
from cspersona.web.templating import is_partial
from cspersona.web.templating import render as render_page

# A CSM's day fits on a page; an admin's whole book pages on.
ROWS_PER_PAGE = 50
router = APIRouter(include_in_schema=False)

Note = Annotated[str, Form(max_length=4000, pattern=TEXT_PATTERN)]


@dataclass(frozen=True)
class Message:
    """One template of a step, rendered for the task's customer, or why it could not be."""

    channel: str
    rendered: RenderedMessage | None
    error: str | None


def data_day(db_session: Session) -> date:
    """The day data-read dates are measured from: the data's latest day, else today."""
    return data_as_of(db_session) or utc_now().date()


def _mine(task: Task, principal: Principal) -> bool:
    """Whether the caller owns ``task`` (by user name, or by book name for a CSM)."""
    return task.owner in {principal.user_name, principal.csm_owner}


@router.get("/tasks", response_class=HTMLResponse)
def my_tasks(
    request: Request,
    principal: PageUser,
    db_session: SessionDep,
    playbook: OptionalId = None,
    persona: OptionalId = None,
    scope: Literal["mine", "all"] | None = None,
    closed: OptionalId = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """Open and snoozed tasks, soonest due and riskiest first; a CSM starts on their own.

    HTMX requests (the pager's links) get just the results table.
    """
    scope = scope or ("mine" if not principal.sees_all_customers else "all")
    rows = queue(db_session, visible_to=principal, playbook_id=playbook, persona_id=persona)
    if scope == "mine":
        rows = [row for row in rows if _mine(row.task, principal)]
    notice = None
    if closed is not None:
        done = get_task(db_session, task_id=closed, visible_to=principal)
        customer = db_session.get(Customer, done.customer_id)
        company = customer.company_name if customer else "the customer"
        notice = f"“{done.title}” for {company} is {done.status.value}."
    today = work_day(db_session)
    pager = Pager(page=page, per_page=ROWS_PER_PAGE, total=len(rows))
    context = {
        "rows": rows[(page - 1) * ROWS_PER_PAGE : page * ROWS_PER_PAGE],
        "pager": pager,
        "today": today,
        "overdue": sum(row.overdue(today) for row in rows),
        "playbooks": playbooks_service.get_all(db_session=db_session),
        "personas": reports_service.get_personas(db_session=db_session),
        "playbook": playbook,
        "persona": persona,
        "scope": scope,
        "filtered": playbook is not None or persona is not None,
        "notice": notice,
        "kind_words": kind_words,
    }
    template = "tasks/_results.html" if is_partial(request) else "tasks/list.html"
    return render_page(request, template, context, principal=principal)


def _step(task: Task) -> Step | None:
    """The playbook step the task was made from, while the playbook still has it."""
    steps = task.playbook.definition.steps
    return steps[task.step_index] if task.step_index < len(steps) else None


def _driver_phrases(score: ChurnScore | None, direction: str) -> list[str]:
    """The score's drivers that raise (or lower) the risk, strongest first, in words."""
    drivers = score.drivers if score else []
    return [
        str(driver.get("phrase") or driver.get("column"))
        for driver in drivers
        if (driver.get("direction") == "lowers") == (direction == "lowers")
    ][:3]


def _messages(db_session: Session, step: Step | None, customer: Customer) -> list[Message]:
    if step is None or not step.templates:
        return []
    context = message_context(db_session, customer, today=data_day(db_session))
    messages = []
    for template in step.templates:
        try:
            messages.append(Message(template.channel, render(template, context), None))
        except BadInput as error:
            messages.append(Message(template.channel, None, error.message))
    return messages


def _task_page(
    request: Request,
    db_session: Session,
    principal: Principal,
    task: Task,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    customer = db_session.get(Customer, task.customer_id)
    assert customer is not None  # get_task found it
    persona = current_persona(db_session, customer.id)
    scores = reports_service.customer_scores(db_session=db_session, customer_id=customer.id)
    score = scores[-1] if scores else None
    step = _step(task)
    renewal = customer.renewal_date
    as_of = data_day(db_session)
    today = work_day(db_session)
    context = {
        "task": task,
        "customer": customer,
        "persona": persona,
        "register": register_of(persona).words,
        "score": score,
        "raising": _driver_phrases(score, "raises"),
        "lowering": _driver_phrases(score, "lowers"),
        "days_to_renewal": (renewal - as_of).days if renewal else None,
        "as_of": as_of,
        "why": reason_words(task.enrolment.reason, task.enrolment.detail),
        "step": step,
        "messages": _messages(db_session, step, customer),
        "overdue": task.status is TaskStatus.OPEN and task.due_on < today,
        "today": today,
        "can_work": principal.can(Permission.WORK_TASKS) and not task.is_closed,
        "error": error,
        "kind_words": kind_words,
        "channel_words": channel_words,
    }
    return render_page(
        request, "tasks/detail.html", context, principal=principal, status_code=status_code
    )


@router.get("/tasks/{task_id}", response_class=HTMLResponse)
def task_page(
    request: Request, task_id: IdPath, principal: PageUser, db_session: SessionDep
) -> HTMLResponse:
    """One task: the customer, why they are in the playbook, what to do and the message to send."""
    task = get_task(db_session, task_id=task_id, visible_to=principal)
    return _task_page(request, db_session, principal, task)


def _close(
    request: Request,
    db_session: Session,
    principal: Principal,
    task_id: int,
    status: TaskStatus,
    note: str,
) -> Response:
    require(principal, Permission.WORK_TASKS)
    task = get_task(db_session, task_id=task_id, visible_to=principal)
    try:
        close(db_session, task=task, status=status, note=note, by=principal.user_name, at=utc_now())
    except (BadInput, Conflict) as error:
        return _task_page(
            request, db_session, principal, task, error=error.message, status_code=error.status
        )
    return RedirectResponse(f"/tasks?closed={task.id}", status_code=303)


@router.post("/tasks/{task_id}/done", response_class=HTMLResponse)
def mark_done(
    request: Request, task_id: IdPath, principal: PageUser, db_session: SessionDep, note: Note = ""
) -> Response:
    """Mark a task done, with what came of it."""
    return _close(request, db_session, principal, task_id, TaskStatus.DONE, note)


@router.post("/tasks/{task_id}/skip", response_class=HTMLResponse)
def mark_skipped(
    request: Request, task_id: IdPath, principal: PageUser, db_session: SessionDep, note: Note = ""
) -> Response:
    """Skip a task; the note says why (required)."""
    return _close(request, db_session, principal, task_id, TaskStatus.SKIPPED, note)


@router.post("/tasks/{task_id}/snooze", response_class=HTMLResponse)
def snooze_task(
    request: Request,
    task_id: IdPath,
    principal: PageUser,
    db_session: SessionDep,
    until: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Put a task aside until a later day."""
    require(principal, Permission.WORK_TASKS)
    task = get_task(db_session, task_id=task_id, visible_to=principal)
    try:
        try:
            day = date.fromisoformat(until)
        except ValueError as error:
            raise BadInput("pick the day to snooze the task until") from error
        snooze(db_session, task=task, until=day, today=work_day(db_session))
    except (BadInput, Conflict) as error:
        return _task_page(
            request, db_session, principal, task, error=error.message, status_code=error.status
        )
    return RedirectResponse(f"/tasks/{task.id}", status_code=303)
