"""Everything a CSM needs on one task, and its messages rendered for the customer, to copy.

The customer's risk and drivers, why they are in the playbook and the step's instructions.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.auth.policy import Principal
from cspersona.playbooks.context import message_context, register_of
from cspersona.playbooks.queue import QueuedTask, get_task, queued
from cspersona.playbooks.rendering import RenderedMessage, render
from cspersona.predict.models import ChurnScore

TOP_DRIVERS = 3


@dataclass(frozen=True)
class TaskDetail:
    """A task, its customer's context and its rendered messages."""

    row: QueuedTask
    why: str
    instructions: str
    tone: str
    drivers: list[str]
    messages: list[RenderedMessage]


def task_detail(
    db_session: Session, *, task_id: int, visible_to: Principal, today: date
) -> TaskDetail:
    """The task the caller may see (another book's: :class:`NotFound`), with its context."""
    task = get_task(db_session, task_id=task_id, visible_to=visible_to)
    row = queued(db_session, task)
    steps = task.playbook.definition.steps
    # The playbook may have been edited since: only a step still at this place with this title
    # is this task's step.
    step = steps[task.step_index] if task.step_index < len(steps) else None
    if step is not None and step.title != task.title:
        step = None
    context = message_context(db_session, row.customer, today=today)
    return TaskDetail(
        row=row,
        why=task.enrolment.detail,
        instructions=step.instructions if step else "",
        tone=register_of(row.persona).words,
        drivers=churn_drivers(db_session, row.customer.id),
        messages=[render(template, context) for template in step.templates] if step else [],
    )


def churn_drivers(db_session: Session, customer_id: int) -> list[str]:
    """What raises the customer's churn risk most, in words, from their newest score."""
    score = db_session.scalars(
        select(ChurnScore)
        .where(ChurnScore.customer_id == customer_id)
        .order_by(ChurnScore.scored_at.desc(), ChurnScore.horizon_days.desc())
        .limit(1)
    ).first()
    if score is None:
        return []
    words = [
        driver.get("phrase") for driver in score.drivers if driver.get("direction") != "lowers"
    ]
    return [word for word in words if word][:TOP_DRIVERS]
