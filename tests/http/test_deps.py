import sqlite3
from collections.abc import Callable

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from cspersona.auth.models import Role
from cspersona.http.deps import SessionDep


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
