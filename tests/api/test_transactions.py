"""Every route that writes stores what it wrote: the real app, its real session, a fresh read.

These tests use :func:`committed_app` (no test session swapped in for ``get_db``), so a route
whose writes are never committed fails here even though it answers 2xx. The database is shared by
the tests of a backend: each seeds rows under names of its own and reads back only those.
"""

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cspersona.auth.models import ApiKey, Role, User
from cspersona.db.engine import make_session_factory, session_scope
from cspersona.personas.models import PersonaFeedback
from tests.conftest import bearer
from tests.factories import add_customer, add_persona


@pytest.fixture
def unique() -> str:
    """A name no other test on the shared database uses."""
    return uuid.uuid4().hex[:10]


@contextmanager
def committed(engine: Engine) -> Iterator[Session]:
    """A session whose writes are committed when the block ends: seeding, as an import would."""
    with session_scope(make_session_factory(engine)) as db_session:
        yield db_session


@contextmanager
def fresh(engine: Engine) -> Iterator[Session]:
    """A new session, which sees only what was committed."""
    with make_session_factory(engine)() as db_session:
        yield db_session


def test_persona_feedback_is_stored(
    committed_engine: Engine, committed_client_for: Callable[..., TestClient], unique: str
) -> None:
    with committed(committed_engine) as db_session:
        customer = add_customer(db_session, f"Feedback {unique}", csm_owner=unique)
        add_persona(db_session, [customer], name=f"Persona {unique}")
    csm = committed_client_for(Role.CSM, csm_owner=unique)

    response = csm.post(
        f"/api/customers/{customer.id}/persona/feedback",
        json={"agree": False, "comment": "rather a power user"},
    )

    assert response.status_code == 201, response.text
    with fresh(committed_engine) as db_session:
        stored = db_session.scalars(
            select(PersonaFeedback).where(PersonaFeedback.customer_id == customer.id)
        ).one()
        assert (stored.id, stored.agree, stored.comment) == (
            response.json()["id"],
            False,
            "rather a power user",
        )


def test_a_new_user_their_key_and_its_revocation_are_stored(
    committed_engine: Engine, committed_client_for: Callable[..., TestClient], unique: str
) -> None:
    admin = committed_client_for(Role.ADMIN)

    user = admin.post("/api/users", json={"name": f"user-{unique}", "role": "viewer"})
    created = admin.post("/api/keys", json={"user_id": user.json()["id"], "label": unique})
    with fresh(committed_engine) as db_session:
        stored_user = db_session.scalars(select(User).where(User.name == f"user-{unique}")).one()
        stored_key = db_session.get(ApiKey, created.json()["id"])
        assert stored_key is not None and stored_key.revoked_at is None
        assert (stored_user.id, stored_key.user_id, stored_key.label) == (
            user.json()["id"],
            user.json()["id"],
            unique,
        )
    revoked = admin.post(f"/api/keys/{created.json()['id']}/revoke")

    assert (user.status_code, created.status_code, revoked.status_code) == (201, 201, 200)
    with fresh(committed_engine) as db_session:
        stored_key = db_session.get(ApiKey, created.json()["id"])
        assert stored_key is not None and stored_key.revoked_at is not None


def test_a_keys_first_use_is_stored_even_by_a_reading_request(
    committed_app: FastAPI,
    committed_engine: Engine,
    committed_client_for: Callable[..., TestClient],
    unique: str,
) -> None:
    admin = committed_client_for(Role.ADMIN)
    user_id = admin.post("/api/users", json={"name": f"user-{unique}", "role": "viewer"}).json()[
        "id"
    ]
    created = admin.post("/api/keys", json={"user_id": user_id}).json()

    response = TestClient(committed_app).get("/api/me", headers=bearer(created["key"]))

    assert response.status_code == 200
    with fresh(committed_engine) as db_session:
        stored_key = db_session.get(ApiKey, created["id"])
        assert stored_key is not None and stored_key.last_used_at is not None
