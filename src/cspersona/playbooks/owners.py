"""Who owns a task: a step's owner rule resolved for one customer.

``csm`` is the customer's CSM (the user whose book it is, else the book's name); ``user:NAME`` a
named user; ``role:ROLE`` the user of that role with the fewest open tasks (ties by name), which
spreads work round-robin by load, as Vitally's "assign by load" does.
"""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspersona.auth.models import Role, User
from cspersona.customers.models import Customer
from cspersona.playbooks.models import Task, TaskStatus

UNASSIGNED = "unassigned"


def resolve_owner(db_session: Session, rule: str, customer: Customer) -> str:
    """The name of whoever does a step with owner rule ``rule`` for ``customer``."""
    kind, _, value = rule.partition(":")
    if kind == "user":
        return value
    if kind == "role":
        return least_loaded(db_session, Role(value)) or UNASSIGNED
    return csm_name(db_session, customer)


def csm_name(db_session: Session, customer: Customer) -> str:
    """The customer's CSM as a user name where a user owns the book, else the book's name."""
    if customer.csm_owner is None:
        return UNASSIGNED
    user_name = db_session.scalars(
        select(User.name)
        .where(User.role == Role.CSM, User.csm_owner == customer.csm_owner)
        .order_by(User.id)
        .limit(1)
    ).first()
    return user_name or customer.csm_owner


def least_loaded(db_session: Session, role: Role) -> str | None:
    """The user of ``role`` with the fewest open or snoozed tasks; None when the role has none."""
    open_tasks = (
        select(Task.owner, func.count().label("load"))
        .where(Task.status.in_([TaskStatus.OPEN, TaskStatus.SNOOZED]))
        .group_by(Task.owner)
        .subquery()
    )
    return db_session.scalars(
        select(User.name)
        .outerjoin(open_tasks, open_tasks.c.owner == User.name)
        .where(User.role == role)
        .order_by(func.coalesce(open_tasks.c.load, 0), User.name)
        .limit(1)
    ).first()
