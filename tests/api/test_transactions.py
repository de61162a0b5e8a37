"""Every route that writes stores what it wrote: the real app, its real session, a fresh read.

These tests use :func:`committed_app` (no test session swapped in for ``get_db``), so a route
whose writes are never committed fails here even though it answers 2xx. The database is shared by
the tests of a backend: each seeds rows under names of its own and reads back only those.
"""

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cspersona.auth.models import Role
from cspersona.db.engine import make_session_factory, session_scope
from cspersona.personas.models import PersonaFeedback
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
