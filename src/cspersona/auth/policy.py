"""What each role may do, and whose customers a caller may see (object-level authorization).

Routes never test roles themselves: they ask for a :class:`Permission`. Customer queries and rows
go through ``customers.access`` and jobs through ``jobs.access``, which build on :func:`sees_book`
(as cached read models do), so a new route gets the same rules as every other by calling the
same functions.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import Select

from cspersona.auth.models import Role
from cspersona.exceptions import Forbidden


class Permission(StrEnum):
    """An action a role may be granted."""

    READ = "read"
    RUN_JOBS = "run_jobs"
    MANAGE_ACCESS = "manage_access"
    GIVE_FEEDBACK = "give_feedback"
    MANAGE_SCENARIOS = "manage_scenarios"
    EDIT_PERSONAS = "edit_personas"
    MANAGE_PLAYBOOKS = "manage_playbooks"
    WORK_TASKS = "work_tasks"


SelectT = TypeVar("SelectT", bound=Select[*tuple[Any, ...]])

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.ANALYST: frozenset(
        {
            Permission.READ,
            Permission.RUN_JOBS,
            Permission.GIVE_FEEDBACK,
            Permission.MANAGE_SCENARIOS,
            Permission.EDIT_PERSONAS,
            Permission.MANAGE_PLAYBOOKS,
            Permission.WORK_TASKS,
        }
    ),
    Role.CSM: frozenset({Permission.READ, Permission.GIVE_FEEDBACK, Permission.WORK_TASKS}),
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


def sees_book(principal: Principal, csm_owner: str | None) -> bool:
    """Whether the caller may see customers ``csm_owner`` owns (for rows already read)."""
    return principal.sees_all_customers or csm_owner == principal.csm_owner
