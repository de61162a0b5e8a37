from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cspersona.db.types import utc_now
from cspersona.personas.models import PersonaOutlook, PersonaSwitch
from tests.conftest import CSM_OWNER
from tests.factories import (
    START,
    add_book,
    add_persona,
    add_stage_results,
    add_switch,
    map_customer,
)


def test_personas_are_listed_with_size_share_and_agreement(
    db_session: Session, client: TestClient, csm_client: TestClient
) -> None:
    book = add_book(db_session)
    own = [customer for customer in book.values() if customer.csm_owner == CSM_OWNER]
    persona = add_persona(db_session, list(book.values()))

    agreed = csm_client.post(
        f"/api/customers/{own[0].id}/persona/feedback", json={"agree": True, "comment": "spot on"}
    )
    disagreed = client.post(f"/api/customers/{own[1].id}/persona/feedback", json={"agree": False})
    listed = client.get("/api/personas").json()
    detail = client.get(f"/api/personas/{persona.id}").json()

    assert agreed.status_code == disagreed.status_code == 201
    assert agreed.json()["persona_id"] == persona.id
    assert agreed.json()["comment"] == "spot on"
    assert listed["total"] == 1
    assert listed["items"][0]["name"] == "Cost-Conscious Carlos"
    assert listed["items"][0]["customer_share"] == 0.5
    assert detail["agreement_rate"] == 0.5
    assert detail["feedback_count"] == 2
    assert detail["traits"]["share"]["arr"] == 0.4


def test_personas_read_after_new_feedback_or_a_refit_are_current(
    db_session: Session, client: TestClient, csm_client: TestClient
) -> None:
    book = add_book(db_session)
    own = next(customer for customer in book.values() if customer.csm_owner == CSM_OWNER)
    persona = add_persona(db_session, list(book.values()))
    before = client.get("/api/personas").json()["items"][0]

    csm_client.post(f"/api/customers/{own.id}/persona/feedback", json={"agree": True})
    after_feedback = client.get("/api/personas").json()["items"][0]
    # As a refit does: the persona row updated in place, every customer mapped again.
    persona.version, persona.narrative = 2, "Refitted: now counts every seat."
    for customer in book.values():
        map_customer(db_session, customer, persona, 0.6, assigned_at=utc_now())
    after_refit = client.get(f"/api/personas/{persona.id}").json()
    mapped = client.get(f"/api/customers/{own.id}/persona").json()

    assert (before["agreement_rate"], before["feedback_count"]) == (None, 0)
    assert (after_feedback["agreement_rate"], after_feedback["feedback_count"]) == (1.0, 1)
    assert (after_refit["version"], after_refit["narrative"]) == (2, persona.narrative)
    assert (mapped["persona"]["version"], mapped["confidence"]) == (2, 0.6)


def test_a_customer_persona_comes_with_confidence_position_and_history(
    db_session: Session, client: TestClient
) -> None:
    customer = add_book(db_session)["Acme Analytics"]
    persona = add_persona(db_session, [customer])

    body = client.get(f"/api/customers/{customer.id}/persona").json()

    assert body["persona"]["id"] == persona.id
    assert body["confidence"] == 0.9
    assert body["misfit"] is False
    assert (body["map_x"], body["map_y"]) == (0.5, -1.0)
    assert [snapshot["persona_id"] for snapshot in body["history"]] == [persona.id]
    assert body["switches"] == []
    assert body["outlook"] == []


def test_a_customer_persona_comes_with_its_90_day_outlook_likeliest_first(
    db_session: Session, client: TestClient
) -> None:
    customer = add_book(db_session)["Acme Analytics"]
    stays = add_persona(db_session, [customer])
    other = add_persona(db_session, [], name="Technical Tom")
    for persona, chance in ((stays, 0.25), (other, 0.75)):
        db_session.add(
            PersonaOutlook(
                customer_id=customer.id,
                persona_id=persona.id,
                probability=chance,
                horizon_days=90,
                learned=False,
                model_version="persona-v1",
            )
        )
    db_session.flush()

    outlook = client.get(f"/api/customers/{customer.id}/persona").json()["outlook"]

    assert [(entry["persona_name"], entry["probability"]) for entry in outlook] == [
        ("Technical Tom", 0.75),
        ("Cost-Conscious Carlos", 0.25),
    ]
    assert all(entry["horizon_days"] == 90 and not entry["learned"] for entry in outlook)


def test_before_the_first_build_there_is_no_persona(
    db_session: Session, client: TestClient
) -> None:
    customer = add_book(db_session)["Acme Analytics"]

    response = client.get(f"/api/customers/{customer.id}/persona")
    feedback = client.post(f"/api/customers/{customer.id}/persona/feedback", json={"agree": True})

    assert response.status_code == feedback.status_code == 404
    assert "no persona yet" in response.json()["detail"]


def test_an_unknown_persona_is_not_found(client: TestClient) -> None:
    assert client.get("/api/personas/999999").status_code == 404


def test_generate_answers_at_once_with_a_job(client: TestClient) -> None:
    response = client.post("/api/personas/generate", json={"n_personas": 5})

    assert response.status_code == 202
    assert response.json()["kind"] == "personas.generate"
    assert response.headers["Location"] == f"/api/jobs/{response.json()['id']}"


def test_bad_build_options_are_refused(client: TestClient) -> None:
    response = client.post("/api/personas/generate", json={"n_personas": 42})

    assert response.status_code in {400, 422}


def test_a_persona_can_be_read_with_an_industry_overlay(
    db_session: Session, client: TestClient
) -> None:
    persona = add_persona(db_session, [add_book(db_session)["Acme Analytics"]])

    body = client.get(f"/api/personas/{persona.id}", params={"industry": "FinTech"}).json()
    unknown = client.get(f"/api/personas/{persona.id}", params={"industry": "Mining"})

    assert body["traits"]["focus"] == "compliance"
    assert body["traits"]["vocabulary"]["data export"] == "audit trail"
    assert unknown.status_code == 400


def _switches_in_two_books(db_session: Session) -> dict[str, PersonaSwitch]:
    """Acme (Dana Scully's) switched on day 60, Delta (Fox Mulder's) on day 90."""
    book = add_book(db_session)
    personas = add_stage_results(db_session, book)
    skeptics, power = personas["Budget Skeptics"], personas["Power Users"]
    return {
        "Acme Analytics": add_switch(db_session, book["Acme Analytics"], skeptics, power),
        "Delta Freight": add_switch(
            db_session,
            book["Delta Freight"],
            power,
            skeptics,
            detected_at=START + timedelta(days=90),
        ),
    }


def test_persona_switches_come_newest_first_with_what_changed_and_the_strategy(
    db_session: Session, client: TestClient
) -> None:
    _switches_in_two_books(db_session)

    listed = client.get("/api/personas/switches").json()
    since = client.get("/api/personas/switches", params={"since": "2025-03-15"}).json()
    first = client.get("/api/personas/switches", params={"limit": 1}).json()

    assert [item["company_name"] for item in listed["items"]] == ["Delta Freight", "Acme Analytics"]
    acme = listed["items"][1]
    assert (acme["from_persona_name"], acme["to_persona_name"]) == (
        "Budget Skeptics",
        "Power Users",
    )
    assert acme["what_changed"] == [
        "45% of their messages negative; typically 10% for Budget Skeptics and 40% for Power Users"
    ]
    assert acme["strategy"]["summary"].startswith("Was Budget Skeptics, now Power Users: ")
    assert [item["company_name"] for item in since["items"]] == ["Delta Freight"]
    assert (first["total"], len(first["items"])) == (2, 1)


def test_a_csm_sees_only_their_own_books_switches(
    db_session: Session, csm_client: TestClient
) -> None:
    _switches_in_two_books(db_session)

    listed = csm_client.get("/api/personas/switches").json()

    assert listed["total"] == 1
    assert [item["csm_owner"] for item in listed["items"]] == [CSM_OWNER]
