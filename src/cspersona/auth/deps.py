"""FastAPI dependencies: who is calling, and may they do this.

A route states its permission by taking ``Reader``, ``JobStarter``, ``AccessManager``,
``FeedbackGiver``, ``ScenarioAuthor`` or ``PersonaEditor``; a route that takes ``customer_id`` in
its path takes ``customers.deps.AuthorizedCustomer``, which applies object-level authorization
(a CSM sees only their own book).
"""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from cspersona.auth import service
from cspersona.auth.policy import Permission, Principal, require
from cspersona.exceptions import Unauthorized
from cspersona.http.deps import SessionDep, SettingsDep

bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An API key from `cspersona keys create`, sent as `Authorization: Bearer <key>`.",
)


def get_principal(
    db_session: SessionDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal:
    """The caller named by the request's API key, or :class:`Unauthorized`."""
    if credentials is None:
        raise Unauthorized("missing API key: send the header `Authorization: Bearer <key>`")
    principal = service.authenticate(
        db_session=db_session, key=credentials.credentials, secret_key=settings.secret_key
    )
    commit_last_use(db_session)
    return principal


def commit_last_use(db_session: Session) -> None:
    """Commit the key's last-use stamp before the route runs, as a unit of work of its own.

    Left to the end of the request, a stamp written by a GET would hold SQLite's write lock
    through the whole route, locking every other writer out.
    """
    db_session.commit()


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def requires(permission: Permission) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets the request through only if the role grants ``permission``."""

    async def check(principal: PrincipalDep) -> Principal:
        require(principal, permission)
        return principal

    check.__name__ = f"requires_{permission}"
    return check


Reader = Annotated[Principal, Depends(requires(Permission.READ))]
JobStarter = Annotated[Principal, Depends(requires(Permission.RUN_JOBS))]
AccessManager = Annotated[Principal, Depends(requires(Permission.MANAGE_ACCESS))]
FeedbackGiver = Annotated[Principal, Depends(requires(Permission.GIVE_FEEDBACK))]
ScenarioAuthor = Annotated[Principal, Depends(requires(Permission.MANAGE_SCENARIOS))]
PersonaEditor = Annotated[Principal, Depends(requires(Permission.EDIT_PERSONAS))]
PlaybookManager = Annotated[Principal, Depends(requires(Permission.MANAGE_PLAYBOOKS))]
TaskWorker = Annotated[Principal, Depends(requires(Permission.WORK_TASKS))]
