from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.auth import service
from cspersona.auth.keys import key_digest
from cspersona.auth.models import ApiKey, Role
from cspersona.auth.schemas import StaffCreate
from cspersona.exceptions import Conflict, NotFound, Unauthorized

SECRET = "test-secret"


def test_user_names_are_unique(db_session: Session) -> None:
    user_in = StaffCreate(name="alice", role=Role.ANALYST)
    service.create_user(db_session=db_session, user_in=user_in)

    with pytest.raises(Conflict, match="user 'alice' already exists"):
        service.create_user(db_session=db_session, user_in=user_in)


def _user_with_key(db_session: Session, role: Role = Role.VIEWER) -> tuple[ApiKey, str]:
    user = service.create_user(db_session=db_session, user_in=StaffCreate(name="kim", role=role))
    return service.create_key(db_session=db_session, user=user, secret_key=SECRET, label="cli")


def test_only_a_keyed_digest_of_a_key_is_stored(db_session: Session) -> None:
    api_key, key = _user_with_key(db_session)

    stored = db_session.scalars(select(ApiKey).where(ApiKey.id == api_key.id)).one()
    assert stored.digest == key_digest(key, SECRET)
    assert key not in {stored.digest, stored.prefix, stored.label}
    assert key.startswith(stored.prefix)


def test_a_key_authenticates_its_user(db_session: Session) -> None:
    api_key, key = _user_with_key(db_session, Role.ANALYST)

    principal = service.authenticate(db_session=db_session, key=key, secret_key=SECRET)

    assert (principal.user_name, principal.role, principal.key_id) == (
        "kim",
        Role.ANALYST,
        api_key.id,
    )


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ("wrong-key", "invalid API key"),
        ("other-secret", "invalid API key"),
        ("revoked", "was revoked"),
    ],
)
def test_unknown_and_revoked_keys_are_refused(db_session: Session, change: str, error: str) -> None:
    api_key, key = _user_with_key(db_session)
    secret = "another-secret" if change == "other-secret" else SECRET
    if change == "wrong-key":
        key = key[:-1] + ("A" if key[-1] != "A" else "B")
    if change == "revoked":
        service.revoke_key(db_session=db_session, key_id=api_key.id)

    with pytest.raises(Unauthorized, match=error):
        service.authenticate(db_session=db_session, key=key, secret_key=secret)


def test_revoking_twice_keeps_the_first_time(db_session: Session) -> None:
    api_key, _key = _user_with_key(db_session)

    first = service.revoke_key(db_session=db_session, key_id=api_key.id).revoked_at
    second = service.revoke_key(db_session=db_session, key_id=api_key.id).revoked_at

    assert first is not None and first == second
    with pytest.raises(NotFound, match="API key 999999 does not exist"):
        service.revoke_key(db_session=db_session, key_id=999999)


def test_last_use_is_recorded_at_most_once_a_minute(db_session: Session) -> None:
    api_key, key = _user_with_key(db_session)
    assert api_key.last_used_at is None

    service.authenticate(db_session=db_session, key=key, secret_key=SECRET)
    db_session.refresh(api_key)
    first_use = api_key.last_used_at
    service.authenticate(db_session=db_session, key=key, secret_key=SECRET)
    db_session.refresh(api_key)
    assert first_use is not None and api_key.last_used_at == first_use

    api_key.last_used_at = first_use - timedelta(minutes=2)
    db_session.commit()
    service.authenticate(db_session=db_session, key=key, secret_key=SECRET)
    db_session.refresh(api_key)
    assert api_key.last_used_at is not None and api_key.last_used_at >= first_use


def test_the_first_admin_is_created_once(db_session: Session) -> None:
    key = service.create_first_admin(db_session=db_session, secret_key=SECRET)

    assert key is not None
    principal = service.authenticate(db_session=db_session, key=key, secret_key=SECRET)
    assert (principal.user_name, principal.role) == ("admin", Role.ADMIN)
    assert service.create_first_admin(db_session=db_session, secret_key=SECRET) is None
