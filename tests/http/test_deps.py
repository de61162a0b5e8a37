import sqlite3
import uuid
from collections.abc import Callable
from functools import partial

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from cspersona.auth.models import Role
from cspersona.customers.models import Customer
from cspersona.db.engine import make_session_factory
from cspersona.exceptions import Conflict
from cspersona.http.deps import SessionDep
from tests.factories import add_customer


@pytest.fixture
def probe_app(committed_app: FastAPI, committed_engine: Engine) -> FastAPI:
    """Routes that read, then see whether another connection can write meanwhile."""
    if committed_engine.dialect.name != "sqlite":
        pytest.skip("write locks of the whole database are SQLite's")
    database = committed_engine.url.database
    assert database is not None

    def other_connection_can_write() -> bool:
        other = sqlite3.connect(database, timeout=0.1)
        try:
            other.execute("UPDATE jobs SET message = message WHERE id = -1")
            other.commit()
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            other.close()

    router = APIRouter()

    def probe(db_session: SessionDep) -> dict[str, bool]:
        db_session.execute(text("SELECT count(*) FROM customers"))
        return {"others_could_write": other_connection_can_write()}

    router.add_api_route("/probe", probe, methods=["GET", "POST"])
    committed_app.include_router(router)
    return committed_app


@pytest.mark.parametrize(("method", "others_could_write"), [("GET", True), ("POST", False)])
def test_requests_that_may_write_hold_sqlites_write_lock_from_their_first_read(
    probe_app: FastAPI,
    committed_client_for: Callable[..., TestClient],
    method: str,
    others_could_write: bool,
) -> None:
    client = committed_client_for(Role.VIEWER)

    response = client.request(method, "/probe")

    assert response.json() == {"others_could_write": others_could_write}


@pytest.fixture
def writing_app(committed_app: FastAPI) -> FastAPI:
    """A route that adds a customer, then fails as ``?fail=`` says: in the route or at commit."""
    router = APIRouter()

    def write(db_session: SessionDep, name: str, fail: str = "") -> dict[str, int]:
        customer = add_customer(db_session, name)
        if fail == "route":
            raise Conflict("the route failed after writing")
        if fail:
            event.listen(db_session, "before_commit", partial(_fail_commit, fail))
        return {"id": customer.id}

    router.add_api_route("/write", write, methods=["POST"])
    committed_app.include_router(router)
    return committed_app


def _fail_commit(reason: str, _session: Session) -> None:
    raise OperationalError("COMMIT", {}, Exception(reason))


def _stored(engine: Engine, name: str) -> int:
    with make_session_factory(engine)() as db_session:
        return len(
            db_session.scalars(select(Customer.id).where(Customer.company_name == name)).all()
        )


def test_a_request_that_succeeds_commits_its_writes(
    writing_app: FastAPI, committed_engine: Engine
) -> None:
    name = f"committed {uuid.uuid4().hex}"

    response = TestClient(writing_app).post("/write", params={"name": name})

    assert response.status_code == 200
    assert _stored(committed_engine, name) == 1


def test_a_route_that_raises_after_writing_leaves_nothing_stored(
    writing_app: FastAPI, committed_engine: Engine
) -> None:
    name = f"rolled back {uuid.uuid4().hex}"

    response = TestClient(writing_app).post("/write", params={"name": name, "fail": "route"})

    assert response.status_code == 409
    assert _stored(committed_engine, name) == 0


@pytest.mark.parametrize(("reason", "status"), [("database is locked", 503), ("disk full", 500)])
def test_a_failed_commit_is_answered_as_an_error_not_a_success(
    writing_app: FastAPI, committed_engine: Engine, reason: str, status: int
) -> None:
    name = f"lost {uuid.uuid4().hex}"
    client = TestClient(writing_app, raise_server_exceptions=False)

    response = client.post("/write", params={"name": name, "fail": reason})

    assert response.status_code == status
    assert _stored(committed_engine, name) == 0
