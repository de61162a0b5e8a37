"""``/api/tasks``: the caller's queue, one task with its rendered message, close and snooze."""

from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.customers.models import Contact, Customer
from cspersona.playbooks.enrolment import enter
from cspersona.playbooks.models import Playbook, Task
from tests.factories import add_book, add_churn_score, add_persona, add_playbook

NOW = datetime.now(UTC)


def _enter_book(db_session: Session, playbook: Playbook) -> dict[str, int]:
    """Enter the test book's customers; each one's first task id, by company name."""
    book = add_book(db_session)
    for customer in book.values():
        enter(db_session, playbook=playbook, customer=customer, reason="manual", detail="", at=NOW)
    return {
        customer.company_name: db_session.scalars(
            select(Task.id).where(Task.customer_id == customer.id, Task.step_index == 0)
        ).one()
        for customer in book.values()
    }


def test_a_csm_lists_their_own_tasks_or_their_books_with_filters_and_pages(
    db_session: Session, csm_client: TestClient
) -> None:
    me = csm_client.get("/api/me").json()["user_name"]  # the user owning Dana Scully's book
    playbook = add_playbook(db_session)
    other = add_playbook(db_session, "Other playbook")
    _enter_book(db_session, playbook)
    for customer in db_session.scalars(select(Customer)):
        enter(db_session, playbook=other, customer=customer, reason="manual", detail="", at=NOW)

    mine = csm_client.get("/api/tasks").json()
    book = csm_client.get("/api/tasks", params={"owner": "all"}).json()
    one_playbook = csm_client.get(
        "/api/tasks", params={"owner": "all", "playbook_id": other.id}
    ).json()
    second_page = csm_client.get("/api/tasks", params={"limit": 3, "offset": 3}).json()

    assert mine["total"] == 8  # two customers, two playbooks, two steps each
    assert {item["owner"] for item in mine["items"]} == {me}
    book_named = db_session.get_one(Task, mine["items"][0]["id"])
    book_named.owner = "Dana Scully"  # made before the CSM's user existed
    db_session.flush()
    assert csm_client.get("/api/tasks").json()["total"] == 8
    assert {item["company_name"] for item in book["items"]} == {"Acme Analytics", "Birch Health"}
    assert one_playbook["total"] == 4
    assert {item["playbook_name"] for item in one_playbook["items"]} == {"Other playbook"}
    assert (second_page["total"], second_page["limit"], second_page["offset"]) == (8, 3, 3)
    assert [item["id"] for item in second_page["items"]] == [
        item["id"] for item in mine["items"][3:6]
    ]


def test_a_task_comes_with_its_customer_context_and_its_message_rendered(
    db_session: Session, csm_client: TestClient
) -> None:
    playbook = add_playbook(db_session)
    task_ids = _enter_book(db_session, playbook)
    acme = db_session.get_one(Task, task_ids["Acme Analytics"]).enrolment
    acme.detail = "the renewal is 60 days away"
    customer = db_session.get_one(Customer, acme.customer_id)
    db_session.add(Contact(customer_id=customer.id, name="Ana Ruiz", role="Sponsor"))
    add_persona(db_session, [customer])  # no style known: formal and non-technical
    add_churn_score(
        db_session,
        customer,
        0.62,
        risk_tier="high",
        drivers=[
            {
                "phrase": "usage down 40% in 90 days: strongly raises churn risk",
                "direction": "raises",
            },
            {"phrase": "NPS of 9: slightly lowers churn risk", "direction": "lowers"},
        ],
    )
    db_session.flush()

    task = csm_client.get(f"/api/tasks/{task_ids['Acme Analytics']}").json()

    assert (task["company_name"], task["risk_tier"], task["churn_probability"]) == (
        "Acme Analytics",
        "high",
        0.62,
    )
    assert task["why"] == "the renewal is 60 days away"
    assert task["drivers"] == ["usage down 40% in 90 days: strongly raises churn risk"]
    assert task["tone"] == "formal, non-technical"
    (message,) = task["messages"]
    assert message["subject"] == "Acme Analytics and your renewal"
    assert message["body"] == (
        "Dear Ana Ruiz,\nYour renewal is on 1 March 2026.\nKind regards,\nDana Scully"
    )
    assert message["missing"] == []


def test_closing_and_snoozing_follow_the_rules_in_words(
    db_session: Session, csm_client: TestClient
) -> None:
    playbook = add_playbook(db_session)
    task_ids = _enter_book(db_session, playbook)
    first, second = task_ids["Acme Analytics"], task_ids["Birch Health"]

    skipped_silently = csm_client.post(f"/api/tasks/{first}/close", json={"status": "skipped"})
    done = csm_client.post(
        f"/api/tasks/{first}/close", json={"status": "done", "note": "Sponsor will renew"}
    )
    twice = csm_client.post(f"/api/tasks/{first}/close", json={"status": "done"})
    reopened = csm_client.post(f"/api/tasks/{first}/close", json={"status": "open"})
    past = csm_client.post(f"/api/tasks/{second}/snooze", json={"until": "2020-01-01"})
    until = (date.today() + timedelta(days=7)).isoformat()
    snoozed = csm_client.post(f"/api/tasks/{second}/snooze", json={"until": until})

    assert skipped_silently.status_code == 400
    assert skipped_silently.json()["detail"] == "say why the task is skipped in the outcome note"
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["outcome_note"]) == ("done", "Sponsor will renew")
    assert twice.status_code == 409
    assert twice.json()["detail"] == f"task {first} is already done"
    assert reopened.status_code == 422
    assert past.status_code == 400
    assert past.json()["detail"] == "snooze a task until a day after today"
    assert (snoozed.json()["status"], snoozed.json()["snoozed_until"]) == ("snoozed", until)
    done_list = csm_client.get("/api/tasks", params={"owner": "all", "status": "done"}).json()
    assert [item["id"] for item in done_list["items"]] == [first]
