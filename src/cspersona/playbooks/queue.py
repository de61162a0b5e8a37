"""The work queue: the tasks a caller may see, soonest and riskiest first, and one task by id.

Every reader of tasks (API, CLI, pages) goes through here, so a CSM sees only the tasks of
customers in their book, the same rule as for the customers themselves.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from cspersona.auth.policy import Principal
from cspersona.customers.access import authorize_customer, visible_customers
from cspersona.customers.models import Customer
from cspersona.exceptions import NotFound
from cspersona.personas.models import Persona
from cspersona.playbooks.context import current_persona
from cspersona.playbooks.criteria import RISK_TIER_ORDER
from cspersona.playbooks.models import Task, TaskStatus
from cspersona.predict.models import ChurnScore

PENDING = (TaskStatus.OPEN, TaskStatus.SNOOZED)


@dataclass(frozen=True)
class QueuedTask:
    """A task with what a CSM needs to pick it: customer, playbook, persona and risk."""

    task: Task
    customer: Customer
    persona: Persona | None
    risk_tier: str | None
    churn_probability: float | None

    def overdue(self, today: date) -> bool:
        """Still to do and past its due date."""
        return self.task.status is TaskStatus.OPEN and self.task.due_on < today


def queue(
    db_session: Session,
    *,
    visible_to: Principal,
    owner: str | None = None,
    playbook_id: int | None = None,
    persona_id: int | None = None,
    statuses: Collection[TaskStatus] = PENDING,
) -> list[QueuedTask]:
    """Tasks the caller may see, by due date then risk (high first), filtered as asked."""
    statement = (
        select(Task, Customer)
        .join(Customer, Customer.id == Task.customer_id)
        .options(joinedload(Task.playbook))
        .where(Task.status.in_(list(statuses)))
    )
    statement = visible_customers(statement, visible_to)
    if owner is not None:
        statement = statement.where(Task.owner == owner)
    if playbook_id is not None:
        statement = statement.where(Task.playbook_id == playbook_id)
    rows = db_session.execute(statement).all()
    risks = _latest_risk(db_session, {customer.id for _, customer in rows})
    queued = []
    for task, customer in rows:
        persona = current_persona(db_session, customer.id)
        if persona_id is not None and (persona is None or persona.id != persona_id):
            continue
        tier, probability = risks.get(customer.id, (None, None))
        queued.append(QueuedTask(task, customer, persona, tier, probability))
    return sorted(
        queued,
        key=lambda row: (
            row.task.due_on,
            -RISK_TIER_ORDER.get(row.risk_tier or "", -1),
            -(row.churn_probability or 0.0),
            row.task.id,
        ),
    )


def get_task(db_session: Session, *, task_id: int, visible_to: Principal) -> Task:
    """One task the caller may see; :class:`NotFound` for another book's, as if it did not exist."""
    task = db_session.get(Task, task_id)
    if task is None:
        raise NotFound(f"task {task_id} does not exist")
    customer = db_session.get(Customer, task.customer_id)
    if customer is None:
        raise NotFound(f"task {task_id} does not exist")
    try:
        authorize_customer(visible_to, customer)
    except NotFound as error:
        raise NotFound(f"task {task_id} does not exist") from error
    return task


def queued(db_session: Session, task: Task) -> QueuedTask:
    """One task with its customer, persona and risk, as the queue lists it."""
    customer = db_session.get_one(Customer, task.customer_id)
    tier, probability = _latest_risk(db_session, {customer.id}).get(customer.id, (None, None))
    return QueuedTask(task, customer, current_persona(db_session, customer.id), tier, probability)


def _latest_risk(
    db_session: Session, customer_ids: set[int]
) -> dict[int, tuple[str | None, float | None]]:
    """Each customer's newest longest-horizon churn tier and probability."""
    if not customer_ids:
        return {}
    scores = db_session.scalars(
        select(ChurnScore)
        .where(ChurnScore.customer_id.in_(customer_ids))
        .order_by(ChurnScore.scored_at, ChurnScore.horizon_days)
    ).all()
    # Later rows (newer, longer horizon) overwrite earlier ones.
    return {score.customer_id: (score.risk_tier, score.probability) for score in scores}
