"""``/api/interventions``: the log listed, read with corrections and outcomes, added to by hand."""

from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.interventions.models import Intervention, InterventionSource
from cspersona.roi.outcomes import refresh_outcomes
from tests.factories import add_book

CALL = {"kind": "call", "performed_at": "2025-03-03T09:00:00Z", "note": "Renewal call"}


def test_a_logged_action_is_recorded_as_the_caller_outside_any_experiment(
    db_session: Session, csm_client: TestClient
) -> None:
    acme = add_book(db_session)["Acme Analytics"]

    response = csm_client.post(
        "/api/interventions",
        json={**CALL, "customer_id": acme.id, "hours": 0.5, "playbook": "Save the renewal"},
    )

    assert response.status_code == 201, response.text
    entry = db_session.scalars(select(Intervention)).one()
    assert response.json()["id"] == entry.id
    assert (entry.source, entry.arm, entry.hours, entry.playbook_name) == (
        InterventionSource.API,
        None,
        0.5,
        "Save the renewal",
    )
    assert entry.performed_by == entry.recorded_by == response.json()["performed_by"]
    assert entry.performed_by.startswith("csm-")
    assert entry.performed_at == datetime(2025, 3, 3, 9, tzinfo=UTC)


def test_an_action_in_the_future_or_for_another_book_is_refused(
    db_session: Session, csm_client: TestClient
) -> None:
    book = add_book(db_session)
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()

    future = csm_client.post(
        "/api/interventions",
        json={**CALL, "customer_id": book["Acme Analytics"].id, "performed_at": tomorrow},
    )
    elsewhere = csm_client.post(
        "/api/interventions", json={**CALL, "customer_id": book["Cobalt Retail"].id}
    )

    assert future.status_code == 400
    assert future.json()["detail"] == "an action cannot be logged as done in the future"
    assert elsewhere.status_code == 404
    assert db_session.scalars(select(Intervention)).all() == []


def test_a_csm_lists_only_their_books_entries_newest_first_with_filters(
    db_session: Session, client: TestClient, csm_client: TestClient
) -> None:
    book = add_book(db_session)
    acme, birch, cobalt = (book[n] for n in ("Acme Analytics", "Birch Health", "Cobalt Retail"))
    for day, customer in ((3, acme), (4, birch), (5, cobalt)):
        client.post(
            "/api/interventions",
            json={**CALL, "customer_id": customer.id, "performed_at": f"2025-03-0{day}T09:00:00Z"},
        )

    mine = csm_client.get("/api/interventions").json()
    acme_only = csm_client.get("/api/interventions", params={"customer_id": acme.id}).json()
    since = client.get("/api/interventions", params={"since": "2025-03-04T00:00:00Z"}).json()

    assert [item["customer_id"] for item in mine["items"]] == [birch.id, acme.id]
    assert mine["total"] == 2
    assert [item["customer_id"] for item in acme_only["items"]] == [acme.id]
    assert [item["customer_id"] for item in since["items"]] == [cobalt.id, birch.id]
    assert client.get("/api/interventions", params={"kind": "email"}).json()["total"] == 0


def test_a_correction_is_a_new_entry_and_the_original_says_it_is_corrected(
    db_session: Session, client: TestClient
) -> None:
    acme = add_book(db_session)["Acme Analytics"]
    original = client.post("/api/interventions", json={**CALL, "customer_id": acme.id}).json()

    correction = client.post(
        f"/api/interventions/{original['id']}/corrections",
        json={**CALL, "customer_id": acme.id, "kind": "meeting", "note": "It was a meeting"},
    )
    again = client.post(
        f"/api/interventions/{original['id']}/corrections",
        json={**CALL, "customer_id": acme.id},
    )

    assert correction.status_code == 201
    assert correction.json()["corrects"] == original["id"]
    assert again.status_code == 409
    listed = {item["id"]: item for item in client.get("/api/interventions").json()["items"]}
    assert listed[original["id"]]["corrected_by"] == correction.json()["id"]
    assert listed[original["id"]]["kind"] == "call"  # the original stays as it was
    assert not listed[correction.json()["id"]]["corrected"]
    detail = client.get(f"/api/interventions/{correction.json()['id']}").json()
    assert [link["id"] for link in detail["chain"]] == [original["id"], correction.json()["id"]]


def test_an_entry_shows_its_outcomes_per_window_and_hides_from_other_books(
    db_session: Session, client: TestClient, csm_client: TestClient
) -> None:
    book = add_book(db_session)
    own = client.post(
        "/api/interventions", json={**CALL, "customer_id": book["Acme Analytics"].id}
    ).json()
    other = client.post(
        "/api/interventions", json={**CALL, "customer_id": book["Cobalt Retail"].id}
    ).json()
    refresh_outcomes(db_session, today=date(2025, 4, 20))

    detail = csm_client.get(f"/api/interventions/{own['id']}").json()

    assert [(o["window_days"], o["complete"]) for o in detail["outcomes"]] == [
        (30, True),
        (60, False),
        (90, False),
    ]
    assert detail["entry"]["arm"] is None
    assert csm_client.get(f"/api/interventions/{other['id']}").status_code == 404
