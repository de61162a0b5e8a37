from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from cspersona.auth.models import Role
from tests.conftest import CSM_OWNER, bearer


@pytest.mark.parametrize(
    ("role", "permissions"),
    [
        (
            Role.ADMIN,
            [
                "edit_personas",
                "give_feedback",
                "manage_access",
                "manage_playbooks",
                "manage_scenarios",
                "read",
                "run_jobs",
                "work_tasks",
            ],
        ),
        (
            Role.ANALYST,
            [
                "edit_personas",
                "give_feedback",
                "manage_playbooks",
                "manage_scenarios",
                "read",
                "run_jobs",
                "work_tasks",
            ],
        ),
        (Role.CSM, ["give_feedback", "read", "work_tasks"]),
        (Role.VIEWER, ["read"]),
    ],
)
def test_me_describes_the_caller(
    client_for: Callable[..., TestClient], role: Role, permissions: list[str]
) -> None:
    owner = CSM_OWNER if role is Role.CSM else None

    me = client_for(role, csm_owner=owner).get("/api/me").json()

    assert (me["role"], me["csm_owner"], me["permissions"]) == (role, owner, permissions)
    assert me["user_name"].startswith(f"{role}-")


def test_an_admin_creates_a_user_and_a_key_that_works_at_once(
    client: TestClient, anonymous_client: TestClient
) -> None:
    user = client.post("/api/users", json={"name": "dana", "role": "csm", "csm_owner": CSM_OWNER})
    created = client.post("/api/keys", json={"user_id": user.json()["id"], "label": "laptop"})

    assert user.status_code == created.status_code == 201
    key = created.json()["key"]
    assert key.startswith(created.json()["prefix"])
    me = anonymous_client.get("/api/me", headers=bearer(key)).json()
    assert (me["user_name"], me["role"], me["csm_owner"]) == ("dana", "csm", CSM_OWNER)
    listed = client.get("/api/keys", params={"user_id": user.json()["id"]}).json()
    assert [item["label"] for item in listed["items"]] == ["laptop"]
    assert "key" not in listed["items"][0]


@pytest.mark.parametrize(
    ("body", "field", "problem"),
    [
        ({"name": "x", "role": "csm"}, "csm.csm_owner", "missing"),
        ({"name": "x", "role": "viewer", "csm_owner": "Y"}, "viewer.csm_owner", "none_required"),
        ({"name": "has space", "role": "viewer"}, "viewer.name", "string_pattern_mismatch"),
        ({"name": "x", "role": "superuser"}, "", "union_tag_invalid"),
    ],
)
def test_bad_users_are_refused_by_the_schema(
    client: TestClient, body: dict[str, str], field: str, problem: str
) -> None:
    response = client.post("/api/users", json=body)

    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert (".".join(str(part) for part in error["loc"][1:]), error["type"]) == (field, problem)


def test_a_revoked_key_stops_working_and_its_own_key_cannot_be_revoked(
    client: TestClient, anonymous_client: TestClient
) -> None:
    user_id = client.post("/api/users", json={"name": "sam", "role": "viewer"}).json()["id"]
    created = client.post("/api/keys", json={"user_id": user_id}).json()
    own_key_id = client.get("/api/me").json()["key_id"]

    revoked = client.post(f"/api/keys/{created['id']}/revoke")
    refused = client.post(f"/api/keys/{own_key_id}/revoke")

    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    response = anonymous_client.get("/api/me", headers=bearer(created["key"]))
    assert response.status_code == 401
    assert response.json()["detail"] == f"API key {created['prefix']}... was revoked"
    assert refused.status_code == 409
    assert client.get("/api/me").status_code == 200


def test_a_key_for_an_unknown_user_is_404(client: TestClient) -> None:
    response = client.post("/api/keys", json={"user_id": 999999})

    assert (response.status_code, response.json()) == (
        404,
        {"detail": "user 999999 does not exist"},
    )


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({}, "missing API key: send the header `Authorization: Bearer <key>`"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "missing API key"),
        ({"Authorization": "Bearer csp_not-a-real-key"}, "invalid API key"),
    ],
)
def test_requests_without_a_valid_key_are_401_with_a_challenge(
    anonymous_client: TestClient, headers: dict[str, str], detail: str
) -> None:
    response = anonymous_client.get("/api/customers", headers=headers)

    assert response.status_code == 401
    assert response.json()["detail"].startswith(detail)
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_health_stays_open(anonymous_client: TestClient) -> None:
    assert anonymous_client.get("/health").status_code == 200
