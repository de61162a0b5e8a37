"""Users, API keys and authentication: plain functions on a session, no HTTP in sight."""

import logging
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, joinedload

from cspersona.auth.keys import generate_key, key_digest, key_prefix
from cspersona.auth.models import ApiKey, Role, User
from cspersona.auth.policy import Principal
from cspersona.auth.schemas import CsmCreate, StaffCreate
from cspersona.db.engine import brief_lock_wait
from cspersona.db.types import utc_now
from cspersona.exceptions import Conflict, NotFound, Unauthorized

logger = logging.getLogger(__name__)

# Writing last_used_at on every request would turn reads into writes; a minute is precise enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)
TOUCH_LOCK_WAIT_MS = 50


def get_user(*, db_session: Session, user_id: int) -> User:
    """The user with this id, or :class:`NotFound`."""
    user = db_session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} does not exist")
    return user


def get_user_by_name(*, db_session: Session, name: str) -> User:
    """The user with this name, or :class:`NotFound`."""
    user = db_session.scalars(select(User).where(User.name == name)).one_or_none()
    if user is None:
        raise NotFound(f"user {name!r} does not exist")
    return user


def get_all_users(*, db_session: Session, limit: int, offset: int) -> tuple[list[User], int]:
    """One page of users ordered by id, and the total count."""
    total = db_session.scalar(select(func.count()).select_from(User)) or 0
    page = db_session.scalars(select(User).order_by(User.id).limit(limit).offset(offset))
    return list(page), total


def count_users(*, db_session: Session) -> int:
    """How many users exist (the demo creates the first admin when there are none)."""
    return db_session.scalar(select(func.count()).select_from(User)) or 0


def create_user(*, db_session: Session, user_in: CsmCreate | StaffCreate) -> User:
    """Add a user; :class:`Conflict` if the name is taken."""
    if db_session.scalars(select(User.id).where(User.name == user_in.name)).first() is not None:
        raise Conflict(f"user {user_in.name!r} already exists")
    user = User(name=user_in.name, role=user_in.role, csm_owner=user_in.csm_owner)
    db_session.add(user)
    db_session.flush()
    return user


def get_key(*, db_session: Session, key_id: int) -> ApiKey:
    """The API key with this id, or :class:`NotFound`."""
    api_key = db_session.get(ApiKey, key_id)
    if api_key is None:
        raise NotFound(f"API key {key_id} does not exist")
    return api_key


def get_all_keys(
    *, db_session: Session, limit: int, offset: int, user_id: int | None = None
) -> tuple[list[ApiKey], int]:
    """One page of API keys ordered by id (of one user when given), and the total count."""
    statement = select(ApiKey)
    if user_id is not None:
        statement = statement.where(ApiKey.user_id == user_id)
    total = db_session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    page = db_session.scalars(statement.order_by(ApiKey.id).limit(limit).offset(offset))
    return list(page), total


def create_key(
    *, db_session: Session, user: User, secret_key: str, label: str | None = None
) -> tuple[ApiKey, str]:
    """Issue a key for ``user``; returns the stored row and the key, which is never seen again."""
    key = generate_key()
    api_key = ApiKey(
        user_id=user.id, label=label, prefix=key_prefix(key), digest=key_digest(key, secret_key)
    )
    db_session.add(api_key)
    db_session.flush()
    return api_key, key


def revoke_key(*, db_session: Session, key_id: int) -> ApiKey:
    """Revoke a key for good (revoking twice keeps the first time); the row stays for audit."""
    api_key = get_key(db_session=db_session, key_id=key_id)
    if api_key.revoked_at is None:
        api_key.revoked_at = utc_now()
        db_session.flush()
    return api_key


def authenticate(*, db_session: Session, key: str, secret_key: str) -> Principal:
    """The caller a presented API key belongs to, or :class:`Unauthorized`."""
    digest = key_digest(key, secret_key)
    api_key = db_session.scalars(
        select(ApiKey).options(joinedload(ApiKey.user)).where(ApiKey.digest == digest)
    ).one_or_none()
    if api_key is None:
        raise Unauthorized("invalid API key")
    return _principal(db_session=db_session, api_key=api_key)


def authenticate_key_id(*, db_session: Session, key_id: int) -> Principal:
    """The caller behind a dashboard session's key, or :class:`Unauthorized` if it is gone."""
    api_key = db_session.get(ApiKey, key_id, options=[joinedload(ApiKey.user)])
    if api_key is None:
        raise Unauthorized("the API key of this session no longer exists")
    return _principal(db_session=db_session, api_key=api_key)


def _touch(*, db_session: Session, api_key: ApiKey) -> None:
    """Record that the key was used, at most once per resolution, and only if it costs nothing.

    Best effort: it waits only briefly for SQLite's write lock and gives up on any conflict (in a
    savepoint, so the caller's transaction goes on), so a busy database never fails the request
    it belongs to.
    """
    now = utc_now()
    if api_key.last_used_at is not None and now - api_key.last_used_at < LAST_USED_RESOLUTION:
        return
    try:
        with (
            db_session.begin_nested(),
            brief_lock_wait(db_session.connection(), TOUCH_LOCK_WAIT_MS),
        ):
            db_session.execute(
                update(ApiKey).where(ApiKey.id == api_key.id).values(last_used_at=now)
            )
    except OperationalError as error:
        logger.debug("last use of API key %s not recorded: %s", api_key.id, error.orig)


def _principal(*, db_session: Session, api_key: ApiKey) -> Principal:
    if api_key.revoked_at is not None:
        raise Unauthorized(f"API key {api_key.prefix}... was revoked")
    _touch(db_session=db_session, api_key=api_key)
    user = api_key.user
    return Principal(
        user_id=user.id,
        user_name=user.name,
        role=user.role,
        csm_owner=user.csm_owner,
        key_id=api_key.id,
    )


def create_first_admin(*, db_session: Session, secret_key: str, name: str = "admin") -> str | None:
    """On a database without users, create an admin and return their new key; else None."""
    if count_users(db_session=db_session):
        return None
    admin = create_user(db_session=db_session, user_in=StaffCreate(name=name, role=Role.ADMIN))
    _api_key, key = create_key(
        db_session=db_session, user=admin, secret_key=secret_key, label="created by demo"
    )
    return key
