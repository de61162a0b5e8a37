"""Escalating tasks along their playbook's policy: overdue by a level's delay, or risk worsened.

Levels run in order, as in a PagerDuty escalation policy; ``repeat`` loops through them again,
each loop starting where the last level's delay ended. A task climbs one step at a time and never
records the same step twice (``task.escalation_level`` counts the steps taken). A task whose
customer's risk tier rose while it was open climbs a step at once when the policy says so.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from cspersona.auth.models import Role, User
from cspersona.customers.models import Customer
from cspersona.playbooks.criteria import RISK_TIER_ORDER
from cspersona.playbooks.definition import EscalationLevel, EscalationPolicy
from cspersona.playbooks.models import Escalation, Task, TaskStatus
from cspersona.playbooks.states import load_source
from cspersona.playbooks.triggers import counted

OVERDUE = "overdue"
RISK_WORSENED = "risk_worsened"


@dataclass
class EscalationReport:
    """How many tasks climbed, and why."""

    overdue: int = 0
    risk_worsened: int = 0

    def words(self) -> str:
        """The run in one line of words."""
        parts = []
        if self.overdue:
            parts.append(f"{counted(self.overdue, 'overdue task')} escalated")
        if self.risk_worsened:
            parts.append(f"{counted(self.risk_worsened, 'task')} escalated as the risk rose")
        return ", ".join(parts) or "no task escalated"


def step_count(policy: EscalationPolicy) -> int:
    """How many steps the policy has in all: its levels, once plus ``repeat`` times more."""
    return len(policy.levels) * (policy.repeat + 1)


def step_level(policy: EscalationPolicy, step: int) -> EscalationLevel:
    """The level of 0-based ``step``: the levels in order, looping."""
    return policy.levels[step % len(policy.levels)]


def step_delay(policy: EscalationPolicy, step: int) -> int:
    """Days past due at which ``step`` fires: each loop adds the last level's delay (at least 1)."""
    loop_length = max(policy.levels[-1].after_days, 1)
    return step_level(policy, step).after_days + (step // len(policy.levels)) * loop_length


def resolve_target(db_session: Session, target: str) -> str:
    """``user:NAME`` is NAME; ``role:ROLE`` the least-loaded user of that role, else the rule.

    Load is open tasks owned plus open tasks escalated to the user, so escalations spread too.
    """
    kind, _, value = target.partition(":")
    if kind == "user":
        return value
    users = list(db_session.scalars(select(User.name).where(User.role == Role(value))))
    if not users:
        return target
    owned = dict(
        db_session.execute(
            select(Task.owner, func.count())
            .where(Task.owner.in_(users), Task.status.in_([TaskStatus.OPEN, TaskStatus.SNOOZED]))
            .group_by(Task.owner)
        ).all()
    )
    escalated = dict(
        db_session.execute(
            select(Escalation.target, func.count())
            .join(Task, Task.id == Escalation.task_id)
            .where(Escalation.target.in_(users), Task.status == TaskStatus.OPEN)
            .group_by(Escalation.target)
        ).all()
    )
    return min(users, key=lambda name: (owned.get(name, 0) + escalated.get(name, 0), name))


def escalate(db_session: Session, *, at: datetime) -> EscalationReport:
    """Escalate every open task whose delay has come or whose customer's risk rose."""
    report = EscalationReport()
    today = at.date()
    open_tasks = db_session.scalars(
        select(Task)
        .options(joinedload(Task.playbook), joinedload(Task.enrolment))
        .where(Task.status == TaskStatus.OPEN)
        .order_by(Task.due_on, Task.id)
    ).all()
    if not open_tasks:
        return report
    source = load_source(db_session, customer_ids={task.customer_id for task in open_tasks})
    worsened_before = _risk_escalations(db_session, [task.id for task in open_tasks])
    for task in open_tasks:
        policy = task.playbook.definition.escalation
        if not policy.levels or task.escalation_level >= step_count(policy):
            continue
        days_over = (today - task.due_on).days
        reached = task.escalation_level
        while reached < step_count(policy) and days_over >= step_delay(policy, reached):
            reached += 1
        if reached > task.escalation_level:
            detail = f"{days_over} days overdue"
            _record(db_session, task, policy, reached, OVERDUE, detail, at)
            report.overdue += 1
            continue
        if not policy.on_risk_worsening:
            continue
        before = source.risk_tier(task.customer_id, task.enrolment.entered_at)
        now = source.risk_tier(task.customer_id, at)
        rose = RISK_TIER_ORDER.get(now or "", 0) > RISK_TIER_ORDER.get(before or "", 0)
        if rose and task.id not in worsened_before:
            detail = f"risk tier rose from {before} to {now} while the task was open"
            _record(db_session, task, policy, task.escalation_level + 1, RISK_WORSENED, detail, at)
            report.risk_worsened += 1
    db_session.flush()
    return report


def _risk_escalations(db_session: Session, task_ids: list[int]) -> set[int]:
    """Tasks already escalated once for a risk rise: a rise escalates a task once."""
    return set(
        db_session.scalars(
            select(Escalation.task_id).where(
                Escalation.task_id.in_(task_ids), Escalation.reason == RISK_WORSENED
            )
        )
    )


def _record(
    db_session: Session,
    task: Task,
    policy: EscalationPolicy,
    level: int,
    reason: str,
    why: str,
    at: datetime,
) -> None:
    """Raise ``task`` to ``level`` (1-based step) and record the escalation in words."""
    rule = step_level(policy, level - 1).target
    target = resolve_target(db_session, rule)
    company = db_session.scalar(
        select(Customer.company_name).where(Customer.id == task.customer_id)
    )
    shown = target if target == rule or rule.startswith("user:") else f"{target} ({rule})"
    detail = (
        f"{why}: '{task.title}' for {company} (owner {task.owner}) "
        f"escalated to level {level} of {step_count(policy)}, to {shown}"
    )
    task.escalation_level = level
    db_session.add(
        Escalation(
            task_id=task.id,
            level=level,
            target=target,
            reason=reason,
            detail=detail,
            escalated_at=at,
        )
    )
    db_session.flush()  # the next target chosen by load counts this one


def recent(db_session: Session, *, limit: int = 100) -> list[tuple[Escalation, Task, str]]:
    """The latest escalations, newest first, with their task and the customer's company name."""
    rows = db_session.execute(
        select(Escalation, Task, Customer.company_name)
        .join(Task, Task.id == Escalation.task_id)
        .join(Customer, Customer.id == Task.customer_id)
        .options(joinedload(Task.playbook))
        .order_by(Escalation.escalated_at.desc(), Escalation.id.desc())
        .limit(limit)
    )
    return [(escalation, task, company) for escalation, task, company in rows]
