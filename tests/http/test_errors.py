import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from cspersona.exceptions import (
    BadInput,
    Conflict,
    CsPersonaError,
    DatabaseError,
    Forbidden,
    NotFound,
    Unauthorized,
)


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (BadInput("limit must be positive"), 400),
        (Unauthorized("missing API key"), 401),
        (Forbidden("not your customer"), 403),
        (NotFound("persona 9 does not exist"), 404),
        (Conflict("a build is already running"), 409),
        (DatabaseError("database unreachable"), 503),
    ],
)
def test_domain_errors_map_to_their_status_and_message(
    app: FastAPI, error: CsPersonaError, status: int
) -> None:
    @app.get("/api/raise-for-test")
    def raise_for_test() -> None:
        raise error

    with TestClient(app) as client:
        response = client.get("/api/raise-for-test")

    assert response.status_code == status
    assert response.json() == {"detail": error.message}
