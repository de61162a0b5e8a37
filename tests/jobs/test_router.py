import time
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from cspersona.auth.models import Role
from tests.conftest import wait_for_job
from tests.jobs import sample_kinds


def test_an_analyst_starts_a_job_and_follows_it_to_its_result(
    jobs_client_for: Callable[..., TestClient],
) -> None:
    analyst = jobs_client_for(Role.ANALYST)

    response = analyst.post("/api/test-jobs/count", json={"to": 4, "marker": "via-api"})

    assert response.status_code == 202
    queued = response.json()
    assert response.headers["Location"] == f"/api/jobs/{queued['id']}"
    assert (queued["kind"], queued["runner"], queued["params"]) == (
        "tests.count",
        "inline",
        {"to": 4, "marker": "via-api"},
    )
    assert queued["created_by_id"] == analyst.get("/api/me").json()["user_id"]
    done = wait_for_job(analyst, queued["id"])
    assert done["status"] == "succeeded"
    assert done["result"] == {"counted": 4, "squares": [1, 4, 9, 16]}
    assert (done["progress"], done["message"]) == (1.0, "halfway to 4")


@pytest.mark.parametrize(("role", "status"), [(Role.VIEWER, 403), (Role.CSM, 403)])
def test_roles_without_the_run_jobs_permission_are_refused(
    jobs_client_for: Callable[..., TestClient], role: Role, status: int
) -> None:
    caller = jobs_client_for(role, csm_owner="Someone" if role is Role.CSM else None)

    response = caller.post("/api/test-jobs/count", json={"to": 1})

    assert response.status_code == status
    assert response.json() == {"detail": f"role {role} may not run jobs"}


def test_parameters_are_validated_before_anything_is_queued(
    jobs_client_for: Callable[..., TestClient],
) -> None:
    admin = jobs_client_for(Role.ADMIN)
    before = admin.get("/api/jobs").json()["total"]

    assert admin.post("/api/test-jobs/count", json={"to": 0}).status_code == 422
    assert admin.post("/api/test-jobs/count").status_code == 422
    assert admin.get("/api/jobs").json()["total"] == before


def test_a_kind_without_parameters_needs_no_body_and_its_failure_is_reported(
    jobs_client_for: Callable[..., TestClient],
) -> None:
    analyst = jobs_client_for(Role.ANALYST)

    response = analyst.post("/api/test-jobs/refuse")

    assert response.status_code == 202
    failed = wait_for_job(analyst, response.json()["id"])
    assert failed["status"] == "failed"
    assert failed["error"] == "there is nothing to build personas from yet"
    assert failed["result"] is None


def test_live_progress_is_served_while_the_job_runs(
    jobs_client_for: Callable[..., TestClient],
) -> None:
    analyst = jobs_client_for(Role.ANALYST)
    sample_kinds.GATE.clear()
    job_id = analyst.post("/api/test-jobs/gate").json()["id"]
    try:
        deadline = time.monotonic() + 20
        while not (running := analyst.get(f"/api/jobs/{job_id}").json())["message"]:
            assert time.monotonic() < deadline, "the job never reported progress"
            time.sleep(0.02)
    finally:
        sample_kinds.GATE.set()

    assert (running["status"], running["progress"]) == ("running", 0.3)
    assert running["message"] == "waiting at the gate"
    assert wait_for_job(analyst, job_id)["result"] == {"gate_opened": True}


def test_a_csm_sees_only_the_jobs_they_started(
    jobs_client_for: Callable[..., TestClient],
) -> None:
    admin = jobs_client_for(Role.ADMIN)
    csm = jobs_client_for(Role.CSM, csm_owner="Dana Scully")
    job_id = admin.post("/api/test-jobs/count", json={"to": 1}).json()["id"]

    assert csm.get(f"/api/jobs/{job_id}").status_code == 404
    assert csm.get("/api/jobs").json() == {"items": [], "total": 0, "limit": 50, "offset": 0}
    assert jobs_client_for(Role.VIEWER).get(f"/api/jobs/{job_id}").status_code == 200


def test_job_lists_filter_by_kind_and_status(jobs_client_for: Callable[..., TestClient]) -> None:
    analyst = jobs_client_for(Role.ANALYST)
    refused = analyst.post("/api/test-jobs/refuse").json()["id"]
    counted = analyst.post("/api/test-jobs/count", json={"to": 2}).json()["id"]
    wait_for_job(analyst, refused)
    wait_for_job(analyst, counted)

    failed_refusals = analyst.get(
        "/api/jobs", params={"kind": "tests.refuse", "status": "failed", "limit": 500}
    ).json()
    counts = analyst.get("/api/jobs", params={"kind": "tests.count", "limit": 500}).json()

    assert refused in [job["id"] for job in failed_refusals["items"]]
    assert {job["kind"] for job in failed_refusals["items"]} == {"tests.refuse"}
    assert {job["status"] for job in failed_refusals["items"]} == {"failed"}
    assert [job["id"] for job in counts["items"]] == sorted(
        (job["id"] for job in counts["items"]), reverse=True
    )


def test_unknown_jobs_are_404(jobs_client_for: Callable[..., TestClient]) -> None:
    response = jobs_client_for(Role.ADMIN).get("/api/jobs/99999999")

    assert (response.status_code, response.json()) == (
        404,
        {"detail": "job 99999999 does not exist"},
    )


def test_a_job_route_is_documented_with_its_parameters(
    jobs_client_for: Callable[..., TestClient],
) -> None:
    schema = jobs_client_for(Role.VIEWER).get("/openapi.json").json()

    operation = schema["paths"]["/api/test-jobs/count"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/CountParams"}
    assert operation["requestBody"]["required"] is True
    assert {"202", "400", "401", "403", "422", "503"} <= set(operation["responses"])
    assert "requestBody" not in schema["paths"]["/api/test-jobs/refuse"]["post"] or (
        schema["paths"]["/api/test-jobs/refuse"]["post"]["requestBody"].get("required") is not True
    )
