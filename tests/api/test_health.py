from fastapi.testclient import TestClient

from cspersona import __version__
from cspersona.api.app import create_app
from cspersona.config import load_settings
from cspersona.db import migrate
from tests.conftest import DatabaseFactory


def test_health_reports_version_and_a_current_schema(client: TestClient) -> None:
    response = client.get("/health")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["version"] == __version__
    assert body["database"]["reachable"] is True
    assert body["database"]["schema_current"] is True
    assert body["database"]["schema_revision"] == migrate.head_revision()
    assert body["database"]["server_version"].split()[0] in {"SQLite", "PostgreSQL"}


def test_health_is_503_on_an_unmigrated_database(database_factory: DatabaseFactory) -> None:
    app = create_app(load_settings(database_url=database_factory.create()))

    with TestClient(app) as client:
        response = client.get("/health")

    assert response.status_code == 503
    assert response.json()["status"] == "degraded"
    assert response.json()["database"]["schema_current"] is False


def test_health_is_503_when_the_database_is_unreachable() -> None:
    settings = load_settings(database_url="postgresql://postgres@127.0.0.1:1/nowhere")

    with TestClient(create_app(settings)) as client:
        response = client.get("/health")

    assert response.status_code == 503
    assert "cannot reach the database" in response.json()["database"]["error"]


def test_openapi_schema_and_docs_are_served(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()

    assert "/health" in schema["paths"]
    assert all(path == "/health" or path.startswith("/api/") for path in schema["paths"])
    assert client.get("/docs").status_code == 200
