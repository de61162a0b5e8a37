"""What each role may do, and which customers a caller may see (object-level authorization).

Routes never test roles themselves: they ask for a :class:`Permission` and pass customer queries
and customer rows through :func:`visible_customers` and :func:`authorize_customer` (cached read
models through :func:`sees_book`), so a new route gets the same rules as every other by calling
the same functions.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import Select

from cspersona.auth.models import Role
from cspersona.customers.models import Customer
from cspersona.exceptions import Forbidden, NotFound
from cspersona.jobs.models import Job


class Permission(StrEnum):
    """An action a role may be granted."""

    READ = "read"
    RUN_JOBS = "run_jobs"
    MANAGE_ACCESS = "manage_access"
    GIVE_FEEDBACK = "give_feedback"


SelectT = TypeVar("SelectT", bound=Select[*tuple[Any, ...]])

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.ANALYST: frozenset({Permission.READ, Permission.RUN_JOBS, Permission.GIVE_FEEDBACK}),
    Role.CSM: frozenset({Permission.READ, Permission.GIVE_FEEDBACK}),
    Role.VIEWER: frozenset({Permission.READ}),
}


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: their user, role, owned book (for a CSM) and the key used."""

    user_id: int
    user_name: str
    role: Role
    csm_owner: str | None
    key_id: int

    def can(self, permission: Permission) -> bool:
        """Whether the caller's role grants ``permission``."""
        return permission in ROLE_PERMISSIONS[self.role]

    @property
    def sees_all_customers(self) -> bool:
        """False for a CSM, who sees only the customers they own."""
        return self.role is not Role.CSM


def require(principal: Principal, permission: Permission) -> None:
    """Raise :class:`Forbidden` unless the caller's role grants ``permission``."""
    if not principal.can(permission):
        raise Forbidden(f"role {principal.role} may not {permission.replace('_', ' ')}")


def visible_customers(statement: SelectT, principal: Principal) -> SelectT:
    """Narrow a query that involves ``customers`` to the customers the caller may see."""
    if principal.sees_all_customers:
        return statement
    return statement.where(Customer.csm_owner == principal.csm_owner)


def sees_book(principal: Principal, csm_owner: str | None) -> bool:
    """Whether the caller may see customers ``csm_owner`` owns (for rows already read)."""
    return principal.sees_all_customers or csm_owner == principal.csm_owner


def can_see_customer(principal: Principal, customer: Customer) -> bool:
    """Whether the caller may see this customer and everything about it."""
    return sees_book(principal, customer.csm_owner)


def authorize_customer(principal: Principal, customer: Customer) -> Customer:
    """Return the customer if the caller may see it; otherwise answer as if it did not exist.

    Not-found rather than forbidden, so a CSM cannot learn which ids belong to other books.
    """
    if not can_see_customer(principal, customer):
        raise NotFound(f"customer {customer.id} does not exist")
    return customer


def visible_jobs(statement: SelectT, principal: Principal) -> SelectT:
    """Narrow a query on ``jobs`` to the jobs the caller may see.

    A CSM sees only the jobs they started, since a job's result may describe any customer.
    """
    if principal.sees_all_customers:
        return statement
    return statement.where(Job.created_by_id == principal.user_id)


def authorize_job(principal: Principal, job: Job) -> Job:
    """Return the job if the caller may see it; otherwise answer as if it did not exist."""
    if not (principal.sees_all_customers or job.created_by_id == principal.user_id):
        raise NotFound(f"job {job.id} does not exist")
    return job
