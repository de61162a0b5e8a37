"""``/api/tasks``: the caller's work queue and what they do with a task."""

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from cspersona.auth.deps import Reader, TaskWorker
from cspersona.http.deps import IdPath, SessionDep
from cspersona.http.errors import error_responses
from cspersona.http.limits import MAX_ID
from cspersona.http.pagination import PageParams, page_params
from cspersona.playbooks import tasks
from cspersona.playbooks.clock import work_day
from cspersona.playbooks.models import TaskStatus
from cspersona.playbooks.queue import PENDING, get_task, queue, queued
from cspersona.playbooks.schemas import TaskClose, TaskDetailRead, TaskPage, TaskRead, TaskSnooze
from cspersona.playbooks.task_detail import task_detail

router = APIRouter(prefix="/tasks", tags=["tasks"])


@router.get("", response_model=TaskPage)
def list_tasks(
    principal: Reader,
    db_session: SessionDep,
    page: Annotated[PageParams, Depends(page_params)],
    owner: Annotated[
        Literal["me", "all"],
        Query(description="`me`: tasks the caller owns; `all`: every task the caller may see."),
    ] = "me",
    playbook_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    persona_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    status: Annotated[
        TaskStatus | None,
        Query(description="Only tasks in this status; open and snoozed if unset."),
    ] = None,
) -> TaskPage:
    """The caller's queue (a CSM's: their book only), soonest due first, riskiest first on a day."""
    today = work_day(db_session)
    rows = queue(
        db_session,
        visible_to=principal,
        playbook_id=playbook_id,
        persona_id=persona_id,
        statuses=[status] if status else PENDING,
    )
    if owner == "me":
        # A CSM's tasks may name their book rather than them: made before their user existed.
        mine = {principal.user_name, principal.csm_owner} - {None}
        rows = [row for row in rows if row.task.owner in mine]
    items = [TaskRead.of(row, today=today) for row in rows[page.offset : page.offset + page.limit]]
    return TaskPage.of(items, len(rows), page)


@router.get("/{task_id}", response_model=TaskDetailRead, responses=error_responses(404))
def read_task(task_id: IdPath, principal: Reader, db_session: SessionDep) -> TaskDetailRead:
    """One task with its customer's risk, drivers, why they entered, and its rendered messages."""
    today = work_day(db_session)
    detail = task_detail(db_session, task_id=task_id, visible_to=principal, today=today)
    return TaskDetailRead.of_detail(detail, today=today)


@router.post("/{task_id}/close", response_model=TaskRead, responses=error_responses(404, 409))
def close_task(
    task_id: IdPath, principal: TaskWorker, db_session: SessionDep, body: TaskClose
) -> TaskRead:
    """Mark a task done or skipped with an outcome note (a skip must say why)."""
    task = get_task(db_session, task_id=task_id, visible_to=principal)
    tasks.close(
        db_session,
        task=task,
        status=body.status,
        note=body.note,
        by=principal.user_name,
        at=datetime.now(UTC),
    )
    return TaskRead.of(queued(db_session, task), today=work_day(db_session))


@router.post("/{task_id}/snooze", response_model=TaskRead, responses=error_responses(404, 409))
def snooze_task(
    task_id: IdPath, principal: TaskWorker, db_session: SessionDep, body: TaskSnooze
) -> TaskRead:
    """Put a task aside until a later day; it comes back to the queue then."""
    today = work_day(db_session)
    task = get_task(db_session, task_id=task_id, visible_to=principal)
    tasks.snooze(db_session, task=task, until=body.until, today=today)
    return TaskRead.of(queued(db_session, task), today=today)
