"""What a CSM does with a task: mark it done or skipped with an outcome, or snooze it.

A task closed this way may end its customer's entry: when every task of a treated entry is done
or skipped, the entry exits as completed, so the customer may enter again (within the limit).
"""

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.exceptions import BadInput, Conflict
from cspersona.interventions import service as interventions
from cspersona.interventions.models import InterventionKind, InterventionSource
from cspersona.playbooks.definition import StepKind
from cspersona.playbooks.models import Task, TaskStatus

COMPLETED = "every step was done or skipped"

# The interventions log's kind for a done task of each step kind.
LOGGED_KIND = {
    StepKind.EMAIL: InterventionKind.EMAIL,
    StepKind.CALL: InterventionKind.CALL,
    StepKind.MEETING: InterventionKind.MEETING,
    StepKind.IN_APP: InterventionKind.IN_APP,
    StepKind.INTERNAL_TASK: InterventionKind.INTERNAL,
}


def close(
    db_session: Session,
    *,
    task: Task,
    status: TaskStatus,
    note: str | None,
    by: str,
    at: datetime,
) -> Task:
    """Mark ``task`` done or skipped; a skip needs a note saying why."""
    if status not in (TaskStatus.DONE, TaskStatus.SKIPPED):
        raise BadInput(f"a task is closed as done or skipped, not {status}")
    if task.is_closed:
        raise Conflict(f"task {task.id} is already {task.status}")
    note = (note or "").strip() or None
    if status is TaskStatus.SKIPPED and note is None:
        raise BadInput("say why the task is skipped in the outcome note")
    task.status = status
    task.outcome_note = note
    task.closed_by = by
    task.closed_at = at
    db_session.flush()
    enrolment = task.enrolment
    if status is TaskStatus.DONE:
        interventions.record(
            db_session,
            customer_id=task.customer_id,
            kind=LOGGED_KIND[StepKind(task.kind)],
            source=InterventionSource.PLAYBOOK,
            performed_by=by,
            performed_at=at,
            link=interventions.PlaybookLink(
                playbook_name=task.playbook.name,
                playbook_id=task.playbook_id,
                enrolment_id=enrolment.id,
                task_id=task.id,
                arm=enrolment.arm,
            ),
            note=f"{task.title}: {note}" if note else task.title,
        )
    if enrolment.exited_at is None and all(t.is_closed for t in enrolment.tasks):
        enrolment.exited_at = at
        enrolment.exit_reason = COMPLETED
        db_session.flush()
    return task


def snooze(db_session: Session, *, task: Task, until: date, today: date) -> Task:
    """Put ``task`` aside until ``until``; it comes back as open on that day."""
    if task.is_closed:
        raise Conflict(f"task {task.id} is already {task.status}")
    if until <= today:
        raise BadInput("snooze a task until a day after today")
    task.status = TaskStatus.SNOOZED
    task.snoozed_until = until
    db_session.flush()
    return task


def wake_snoozed(db_session: Session, *, today: date) -> int:
    """Reopen snoozed tasks whose day has come. Returns how many woke."""
    due = db_session.scalars(
        select(Task).where(Task.status == TaskStatus.SNOOZED, Task.snoozed_until <= today)
    ).all()
    for task in due:
        task.status = TaskStatus.OPEN
        task.snoozed_until = None
    db_session.flush()
    return len(due)
