"""``POST /api/playbooks/generate``: a job for analysts and admins, refused to CSMs."""

from fastapi.testclient import TestClient


def test_generate_answers_at_once_with_a_job(analyst_client: TestClient) -> None:
    response = analyst_client.post("/api/playbooks/generate", json={"persona_ids": [1, 2]})

    assert response.status_code == 202
    assert response.json()["kind"] == "playbooks.generate"
    assert response.json()["params"] == {"persona_ids": [1, 2]}
    assert response.headers["Location"] == f"/api/jobs/{response.json()['id']}"


def test_an_empty_body_generates_for_every_persona(client: TestClient) -> None:
    response = client.post("/api/playbooks/generate")

    assert response.status_code == 202
    assert response.json()["params"] == {"persona_ids": None}


def test_csms_may_not_generate_and_bad_options_are_refused(
    csm_client: TestClient, client: TestClient
) -> None:
    assert csm_client.post("/api/playbooks/generate", json={}).status_code == 403
    assert client.post("/api/playbooks/generate", json={"persona_ids": "all"}).status_code in {
        400,
        422,
    }
