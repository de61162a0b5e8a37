from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspersona.conversations.models import Interaction

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"


def test_upload_imports_with_the_same_code_and_answers_the_summary(
    client: TestClient, db_session: Session
) -> None:
    with (SAMPLES / "zendesk-tickets.json").open("rb") as handle:
        response = client.post("/api/ingest", files={"file": ("zendesk-tickets.json", handle)})

    assert response.status_code == 200, response.text
    run = response.json()
    assert run["status"] == "completed" and run["source"] == "auto"
    assert run["summary"]["entities"]["messages"] == {
        "received": 4,
        "loaded": 4,
        "duplicates": 0,
        "quarantined": 0,
    }
    assert db_session.scalar(select(func.count()).select_from(Interaction)) == 2


def test_upload_with_source_customer_and_mapping(client: TestClient) -> None:
    with (SAMPLES / "hubspot-companies.csv").open("rb") as handle:
        client.post(
            "/api/ingest", files={"file": ("companies.csv", handle)}, data={"source": "hubspot"}
        )
    chat = (
        "conversation;account;sender;timestamp;message\n"
        "c-9;hubspot:company:5001;Customer;01/02/2025 10:00;Hi\n"
    )

    with (SAMPLES / "chat-mapping.yaml").open("rb") as mapping:
        response = client.post(
            "/api/ingest",
            files={"file": ("chat.csv", chat.encode()), "mapping": ("mapping.yaml", mapping)},
        )

    assert response.status_code == 200, response.text
    assert response.json()["summary"]["entities"]["messages"]["loaded"] == 1


def test_an_unreadable_upload_is_a_400_with_the_reason(client: TestClient) -> None:
    response = client.post("/api/ingest", files={"file": ("x.csv", bytes(range(256)) * 4)})

    assert response.status_code == 400
    assert response.json()["detail"].startswith("x.csv is binary data, not text")


def test_a_bad_source_is_a_400(client: TestClient) -> None:
    response = client.post(
        "/api/ingest", files={"file": ("x.csv", b"a\n1\n")}, data={"source": "excel"}
    )

    assert response.status_code == 400
    assert response.json()["detail"].startswith("--source 'excel': use one of")


def test_upload_names_cannot_escape_the_upload_folder(client: TestClient) -> None:
    response = client.post(
        "/api/ingest",
        files={"file": ("../../etc/customers.csv", b"external_id,company_name\nc9,Nine\n")},
    )

    assert response.status_code == 200
    assert response.json()["summary"]["entities"]["customers"]["loaded"] == 1
