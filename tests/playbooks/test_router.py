"""``/api/playbooks``: CRUD, status, entering by hand, the experiment, generation."""

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cspersona.playbooks.assignment import assignment_draw
from cspersona.playbooks.enrolment import enter, leave
from cspersona.playbooks.models import PlaybookStatus
from tests.factories import add_book, add_customer, add_nps, add_playbook

AT = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def _definition(name: str = "Win back the sponsor", **fields: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "name": name,
        "trigger": {"kind": "renewal_within", "days": 60},
        "steps": [
            {
                "title": "Write to the sponsor",
                "kind": "email",
                "templates": [
                    {"channel": "email", "subject": "Hello {{ company }}", "body": "{{ greeting }}"}
                ],
            },
            {"title": "Call", "kind": "call", "due_days": 3},
        ],
    }
    return document | fields


def test_an_analyst_creates_reads_lists_replaces_and_retires_a_playbook(
    analyst_client: TestClient,
) -> None:
    created = analyst_client.post("/api/playbooks", json=_definition())
    assert created.status_code == 201, created.text
    playbook = created.json()
    assert playbook["status"] == "active" and playbook["source"] == "manual"
    assert playbook["updated_by"].startswith("analyst-")
    assert playbook["control_share"] == 0.1  # the default

    url = f"/api/playbooks/{playbook['id']}"
    assert analyst_client.get(url).json()["steps"][1]["due_days"] == 3
    listed = analyst_client.get("/api/playbooks").json()
    assert listed["total"] == 1
    assert listed["items"][0] | {"updated_at": None} == {
        "id": playbook["id"],
        "name": "Win back the sponsor",
        "status": "active",
        "source": "manual",
        "trigger": "the renewal is 60 days away or less",
        "steps": 2,
        "control_share": 0.1,
        "customers_in": 0,
        "updated_at": None,
    }

    replaced = analyst_client.put(url, json=_definition("Save the sponsor", control_share=0.2))
    assert replaced.status_code == 200
    assert (replaced.json()["name"], replaced.json()["control_share"]) == ("Save the sponsor", 0.2)
    retired = analyst_client.post(f"{url}/status", json={"status": "retired"})
    assert retired.json()["status"] == "retired"
    assert analyst_client.get(url).json()["status"] == "retired"


def test_bad_playbooks_are_refused_in_words(analyst_client: TestClient) -> None:
    broken = _definition()
    broken["steps"][0]["templates"][0]["body"] = "{{ greeting }} {{ discount_code }}"
    analyst_client.post("/api/playbooks", json=_definition("Taken"))

    bad_template = analyst_client.post("/api/playbooks", json=broken)
    taken = analyst_client.post("/api/playbooks", json=_definition("Taken"))
    no_steps = analyst_client.post("/api/playbooks", json=_definition(steps=[]))

    assert bad_template.status_code == 400
    assert bad_template.json()["detail"].startswith(
        "step 1 (Write to the sponsor), email: template uses unknown variable(s) discount_code"
    )
    assert taken.status_code == 409
    assert "a playbook named “Taken” already exists" in taken.json()["detail"]
    assert no_steps.status_code == 422


def test_a_playbook_is_deleted_only_while_nobody_ever_entered_it(
    db_session: Session, analyst_client: TestClient
) -> None:
    unused = add_playbook(db_session, "Unused")
    used = add_playbook(db_session, "Used")
    customer = add_customer(db_session, "Acme")
    entry = enter(db_session, playbook=used, customer=customer, reason="manual", detail="", at=AT)
    assert entry.enrolment is not None
    leave(db_session, enrolment=entry.enrolment, reason="done", at=AT)

    assert analyst_client.delete(f"/api/playbooks/{unused.id}").status_code == 204
    assert analyst_client.get(f"/api/playbooks/{unused.id}").status_code == 404
    refused = analyst_client.delete(f"/api/playbooks/{used.id}")
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "1 customer entry of playbook “Used” would be lost: retire it instead"
    )


def test_a_csm_starts_a_playbook_by_hand_and_hears_what_happened(
    db_session: Session, csm_client: TestClient
) -> None:
    book = add_book(db_session)
    playbook = add_playbook(db_session, reentry={"times": 1, "days": 90})
    url = f"/api/playbooks/{playbook.id}/enrol"
    acme = book["Acme Analytics"]

    entered = csm_client.post(url, json={"customer_id": acme.id, "note": "asked for help"})
    again = csm_client.post(url, json={"customer_id": acme.id})

    assert entered.status_code == 200, entered.text
    body = entered.json()
    assert (body["result"], body["arm"], len(body["task_ids"])) == ("entered", "treated", 2)
    owner = csm_client.get("/api/me").json()["user_name"]
    assert body["message"].startswith("Acme Analytics entered “Save the renewal”: 2 tasks created")
    assert body["message"].endswith(f"for {owner}.")
    assert again.json()["result"] == "updated"
    assert "is already in “Save the renewal”" in again.json()["message"]
    task = csm_client.get(f"/api/tasks/{body['task_ids'][0]}").json()
    assert task["why"] == f"started by hand by {owner}: asked for help"


def test_hand_entries_keep_the_control_group_and_the_reentry_limit(
    db_session: Session, csm_client: TestClient
) -> None:
    playbook = add_playbook(db_session, control_share=0.5, reentry={"times": 1, "days": 90})
    customers = [add_customer(db_session, f"C{n}", csm_owner="Dana Scully") for n in range(12)]
    held = next(
        c for c in customers if assignment_draw(playbook_id=playbook.id, customer_id=c.id) < 0.5
    )
    url = f"/api/playbooks/{playbook.id}/enrol"

    held_back = csm_client.post(url, json={"customer_id": held.id}).json()
    entry = enter(db_session, playbook=playbook, customer=held, reason="manual", detail="", at=AT)
    assert entry.enrolment is not None
    leave(db_session, enrolment=entry.enrolment, reason="done", at=datetime.now(UTC))
    limited = csm_client.post(url, json={"customer_id": held.id}).json()

    assert (held_back["result"], held_back["arm"], held_back["task_ids"]) == (
        "held_back",
        "held_back",
        [],
    )
    assert "held back as its control group: no tasks" in held_back["message"]
    assert limited["result"] == "limited"
    assert limited["message"] == (
        f"{held.company_name} was not entered: “Save the renewal” takes a customer at most "
        "once every 90 days; it has reached that."
    )


def test_only_active_playbooks_take_customers_by_hand(
    db_session: Session, csm_client: TestClient
) -> None:
    playbook = add_playbook(db_session)
    customer = add_customer(db_session, "Acme", csm_owner="Dana Scully")
    playbook.status = PlaybookStatus.DRAFT
    db_session.flush()

    response = csm_client.post(
        f"/api/playbooks/{playbook.id}/enrol", json={"customer_id": customer.id}
    )

    assert response.status_code == 409
    assert response.json()["detail"] == (
        "playbook “Save the renewal” is draft: only active playbooks take customers; "
        "activate it first"
    )


def test_the_experiment_route_reports_arms_power_and_advice(
    db_session: Session, client: TestClient
) -> None:
    playbook = add_playbook(db_session)

    response = client.get(f"/api/playbooks/{playbook.id}/experiment")
    too_big = client.get(
        f"/api/playbooks/{playbook.id}/experiment", params={"relative_reduction": 1.5}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["treated"] == {"arm": "treated", "customers": 0, "followed_up": 0, "churned": 0}
    assert body["power"]["relative_reduction"] == 0.2
    assert [item["kind"] for item in body["recommendations"]] == ["control_group"]
    assert too_big.status_code == 422


def test_the_experiment_is_read_as_of_a_chosen_day(db_session: Session, client: TestClient) -> None:
    playbook = add_playbook(db_session)
    enter(
        db_session,
        playbook=playbook,
        customer=add_customer(db_session, "Acme"),
        reason="manual",
        detail="",
        at=AT,
    )
    url = f"/api/playbooks/{playbook.id}/experiment"

    before = client.get(url, params={"as_of": "2025-03-01T00:00:00"}).json()
    after = client.get(url, params={"as_of": "2025-03-10T00:00:00Z"}).json()

    assert before["treated"]["customers"] == 0
    assert after["treated"] == {"arm": "treated", "customers": 1, "followed_up": 0, "churned": 0}


def test_the_tracking_route_gives_each_criterion_by_month(
    db_session: Session, client: TestClient
) -> None:
    success = [{"metric": "nps", "target": 40, "window_days": 90}]
    playbook = add_playbook(db_session, success=success)
    customer = add_customer(db_session, "Acme")
    enter(db_session, playbook=playbook, customer=customer, reason="manual", detail="", at=AT)
    add_nps(db_session, customer, 7, answered_at=datetime(2025, 4, 10, tzinfo=UTC))

    response = client.get(
        f"/api/playbooks/{playbook.id}/tracking", params={"as_of": "2025-04-30T00:00:00Z"}
    )
    missing = client.get("/api/playbooks/999999/tracking")

    assert response.status_code == 200
    [series] = response.json()
    assert (series["metric"], series["target"], series["is_rate"]) == ("nps", 40.0, False)
    assert series["points"] == [
        {
            "month": "2025-03-01",
            "treated": {"value": None, "customers": 0},
            "held_back": {"value": None, "customers": 0},
        },
        {
            "month": "2025-04-01",
            "treated": {"value": 7.0, "customers": 1},
            "held_back": {"value": None, "customers": 0},
        },
    ]
    assert missing.status_code == 404


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
