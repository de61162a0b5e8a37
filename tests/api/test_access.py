"""Authorization across the whole API, route by route, read from the OpenAPI schema.

Every route needs a key and states its permission; every route that takes a customer id applies
object-level authorization.

A new route fails these tests until it is added to ``ROUTE_PERMISSIONS`` (and, if it takes a
``customer_id`` and is not a GET, to ``CUSTOMER_ROUTE_REQUESTS``): that is the pattern to copy.
"""

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.api.app import create_app
from cspersona.auth.models import Role
from cspersona.auth.policy import ROLE_PERMISSIONS, Permission
from cspersona.config import load_settings
from cspersona.playbooks.enrolment import enter
from cspersona.playbooks.models import Task
from tests.conftest import CSM_OWNER
from tests.factories import add_book, add_interaction, add_persona, add_playbook

READ, RUN_JOBS, MANAGE_ACCESS = Permission.READ, Permission.RUN_JOBS, Permission.MANAGE_ACCESS
GIVE_FEEDBACK, MANAGE_SCENARIOS = Permission.GIVE_FEEDBACK, Permission.MANAGE_SCENARIOS
EDIT_PERSONAS = Permission.EDIT_PERSONAS
MANAGE_PLAYBOOKS, WORK_TASKS = Permission.MANAGE_PLAYBOOKS, Permission.WORK_TASKS

ROUTE_PERMISSIONS: dict[tuple[str, str], Permission] = {
    ("GET", "/api/me"): READ,
    ("GET", "/api/users"): MANAGE_ACCESS,
    ("POST", "/api/users"): MANAGE_ACCESS,
    ("GET", "/api/keys"): MANAGE_ACCESS,
    ("POST", "/api/keys"): MANAGE_ACCESS,
    ("POST", "/api/keys/{key_id}/revoke"): MANAGE_ACCESS,
    ("GET", "/api/customers"): READ,
    ("GET", "/api/customers/{customer_id}"): READ,
    ("GET", "/api/customers/{customer_id}/interactions"): READ,
    ("GET", "/api/jobs"): READ,
    ("GET", "/api/jobs/{job_id}"): READ,
    ("POST", "/api/ingest"): RUN_JOBS,
    ("GET", "/api/insights/churn-risk"): READ,
    ("GET", "/api/insights/expansion"): READ,
    ("POST", "/api/chat/{persona_id}"): READ,
    ("GET", "/api/chat/conversations"): READ,
    ("GET", "/api/chat/conversations/{conversation_id}"): READ,
    ("GET", "/api/chat/conversations/{conversation_id}/turns/{seq}/audio"): READ,
    ("POST", "/api/chat/conversations/{conversation_id}/finish"): READ,
    ("GET", "/api/chat/scenarios"): READ,
    ("POST", "/api/chat/scenarios"): MANAGE_SCENARIOS,
    ("DELETE", "/api/chat/scenarios/{name}"): MANAGE_SCENARIOS,
    ("GET", "/api/chat/scenario-runs"): READ,
    ("POST", "/api/personas/generate"): RUN_JOBS,
    ("GET", "/api/personas"): READ,
    ("GET", "/api/personas/{persona_id}"): READ,
    ("PATCH", "/api/personas/{persona_id}"): EDIT_PERSONAS,
    ("GET", "/api/personas/{persona_id}/edits"): READ,
    ("POST", "/api/personas/{persona_id}/merge"): EDIT_PERSONAS,
    ("POST", "/api/personas"): EDIT_PERSONAS,
    ("GET", "/api/personas/suggested"): READ,
    ("GET", "/api/personas/switches"): READ,
    ("POST", "/api/personas/suggested/{number}/promote"): EDIT_PERSONAS,
    ("GET", "/api/customers/{customer_id}/persona"): READ,
    ("POST", "/api/customers/{customer_id}/persona/feedback"): GIVE_FEEDBACK,
    ("POST", "/api/playbooks/generate"): MANAGE_PLAYBOOKS,
    ("GET", "/api/playbooks"): READ,
    ("POST", "/api/playbooks"): MANAGE_PLAYBOOKS,
    ("GET", "/api/playbooks/{playbook_id}"): READ,
    ("PUT", "/api/playbooks/{playbook_id}"): MANAGE_PLAYBOOKS,
    ("DELETE", "/api/playbooks/{playbook_id}"): MANAGE_PLAYBOOKS,
    ("POST", "/api/playbooks/{playbook_id}/status"): MANAGE_PLAYBOOKS,
    ("POST", "/api/playbooks/{playbook_id}/enrol"): WORK_TASKS,
    ("GET", "/api/playbooks/{playbook_id}/experiment"): READ,
    ("GET", "/api/playbooks/{playbook_id}/tracking"): READ,
    ("GET", "/api/tasks"): READ,
    ("GET", "/api/tasks/{task_id}"): READ,
    ("POST", "/api/tasks/{task_id}/close"): WORK_TASKS,
    ("POST", "/api/tasks/{task_id}/snooze"): WORK_TASKS,
    ("GET", "/api/interventions"): READ,
    ("GET", "/api/interventions/{intervention_id}"): READ,
    ("POST", "/api/interventions"): WORK_TASKS,
    ("POST", "/api/interventions/{intervention_id}/corrections"): WORK_TASKS,
    ("GET", "/api/roi"): READ,
}

# Requests for routes that take a customer id and are not plain GETs: (method, path) -> the
# keyword arguments of the request (a JSON body, ...).
CUSTOMER_ROUTE_REQUESTS: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/customers/{customer_id}/persona/feedback"): {"json": {"agree": True}},
}


def _api_operations() -> list[tuple[str, str]]:
    schema = create_app(load_settings(database_url="sqlite://")).openapi()
    return sorted(
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        if path.startswith("/api/")
        for method in operations
    )


API_OPERATIONS = _api_operations()
CUSTOMER_OPERATIONS = [operation for operation in API_OPERATIONS if "{customer_id}" in operation[1]]


def _fill(path: str, **values: int) -> str:
    return re.sub(r"\{(\w+)\}", lambda match: str(values.get(match[1], 1)), path)


def test_every_api_route_states_its_permission() -> None:
    missing = [operation for operation in API_OPERATIONS if operation not in ROUTE_PERMISSIONS]

    assert not missing, (
        f"add {missing} to ROUTE_PERMISSIONS in tests/api/test_access.py "
        "with the permission each requires"
    )


@pytest.mark.parametrize(("method", "path"), API_OPERATIONS, ids=" ".join)
def test_every_api_route_needs_a_key(anonymous_client: TestClient, method: str, path: str) -> None:
    response = anonymous_client.request(method, _fill(path), json={})

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("method", "path"), API_OPERATIONS, ids=" ".join)
def test_every_role_gets_exactly_its_permissions(
    client_for: Callable[..., TestClient], role: Role, method: str, path: str
) -> None:
    caller = client_for(role, csm_owner=CSM_OWNER if role is Role.CSM else None)
    required = ROUTE_PERMISSIONS[(method, path)]

    response = caller.request(method, _fill(path), json={})

    if required in ROLE_PERMISSIONS[role]:
        assert response.status_code not in {401, 403}, response.text
    else:
        assert response.status_code == 403
        assert response.json()["detail"] == f"role {role} may not {required.replace('_', ' ')}"


def _customer_request(method: str, path: str) -> dict[str, Any]:
    if method == "GET":
        return {}
    assert (method, path) in CUSTOMER_ROUTE_REQUESTS, (
        f"{method} {path} takes a customer id: add a request for it to CUSTOMER_ROUTE_REQUESTS "
        "in tests/api/test_access.py so its object-level authorization is tested"
    )
    return CUSTOMER_ROUTE_REQUESTS[(method, path)]


@pytest.mark.parametrize(("method", "path"), CUSTOMER_OPERATIONS, ids=" ".join)
def test_a_csm_reaches_only_their_own_customers_by_id(
    db_session: Session,
    csm_client: TestClient,
    analyst_client: TestClient,
    method: str,
    path: str,
) -> None:
    book = add_book(db_session)
    for customer in book.values():
        add_interaction(db_session, customer)
    add_persona(db_session, list(book.values()))
    request = _customer_request(method, path)
    own = book["Acme Analytics"]

    assert csm_client.request(method, _fill(path, customer_id=own.id), **request).is_success
    for name in ("Cobalt Retail", "Echo Bank"):  # another CSM's, and nobody's
        customer_id = book[name].id
        response = csm_client.request(method, _fill(path, customer_id=customer_id), **request)
        assert response.status_code == 404
        assert response.json() == {"detail": f"customer {customer_id} does not exist"}
        assert analyst_client.request(
            method, _fill(path, customer_id=customer_id), **request
        ).is_success


def test_a_csm_lists_only_their_own_customers_whatever_the_filters(
    db_session: Session, csm_client: TestClient
) -> None:
    add_book(db_session)

    mine = csm_client.get("/api/customers").json()
    someone_elses = csm_client.get("/api/customers", params={"csm_owner": "Fox Mulder"}).json()

    assert [item["company_name"] for item in mine["items"]] == ["Acme Analytics", "Birch Health"]
    assert mine["total"] == 2
    assert someone_elses == {"items": [], "total": 0, "limit": 50, "offset": 0}


def test_a_csm_reaches_only_their_own_books_tasks(
    db_session: Session, csm_client: TestClient, analyst_client: TestClient
) -> None:
    book = add_book(db_session)
    playbook = add_playbook(db_session)
    at = datetime(2025, 3, 3, tzinfo=UTC)
    for name in ("Acme Analytics", "Cobalt Retail", "Echo Bank"):
        enter(db_session, playbook=playbook, customer=book[name], reason="manual", detail="", at=at)
    task_of = {
        task.customer_id: task.id
        for task in db_session.scalars(select(Task).where(Task.step_index == 0))
    }
    own = task_of[book["Acme Analytics"].id]
    requests: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", "/api/tasks/{task_id}", {}),
        ("POST", "/api/tasks/{task_id}/snooze", {"json": {"until": "2999-01-01"}}),
        ("POST", "/api/tasks/{task_id}/close", {"json": {"status": "done", "note": "Called"}}),
    ]

    listed = csm_client.get("/api/tasks", params={"owner": "all"}).json()
    assert {item["company_name"] for item in listed["items"]} == {"Acme Analytics"}
    for method, path, request in requests:
        assert csm_client.request(method, _fill(path, task_id=own), **request).is_success
        for name in ("Cobalt Retail", "Echo Bank"):  # another CSM's, and nobody's
            task_id = task_of[book[name].id]
            response = csm_client.request(method, _fill(path, task_id=task_id), **request)
            assert response.status_code == 404
            assert response.json() == {"detail": f"task {task_id} does not exist"}
            assert analyst_client.request(
                method, _fill(path, task_id=task_id), **request
            ).is_success
    cobalt = book["Cobalt Retail"].id
    refused = csm_client.post(f"/api/playbooks/{playbook.id}/enrol", json={"customer_id": cobalt})
    assert refused.status_code == 404
    assert refused.json() == {"detail": f"customer {cobalt} does not exist"}
