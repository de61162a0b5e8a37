"""My tasks and the task page: the queue in the user's book, the message to send, done and skip."""

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from cspersona.auth.models import Role
from cspersona.customers.models import Customer
from cspersona.db.types import utc_now
from cspersona.playbooks.enrolment import enter
from cspersona.playbooks.models import Enrolment, Playbook, Task, TaskStatus
from cspersona.web import tasks as tasks_page
from tests.conftest import CSM_OWNER
from tests.factories import add_book, add_churn_score, add_contacts, add_playbook, add_stage_results
from tests.web.conftest import BrowserFor

DRIVERS = [
    {"column": "nps_last", "phrase": "NPS fell from 9 to 4: raises risk a lot"},
    {"column": "logins_trend", "phrase": "Logins fell by half: raises risk"},
]


def _enter(
    db_session: Session,
    playbook: Playbook,
    customer: Customer,
    *,
    days_ago: int = 0,
    detail: str = "",
) -> Enrolment:
    """Enter ``customer`` ``days_ago`` days ago, as an NPS drop would; the (treated) entry."""
    at = utc_now() - timedelta(days=days_ago)
    entry = enter(
        db_session, playbook=playbook, customer=customer, reason="nps_drop", detail=detail, at=at
    )
    assert entry.enrolment is not None
    return entry.enrolment


def test_my_tasks_lists_a_csms_own_tasks_by_due_date_and_marks_overdue(
    db_session: Session, browser_for: BrowserFor
) -> None:
    book = add_book(db_session)
    add_stage_results(db_session, book)
    dana = browser_for(Role.CSM, csm_owner=CSM_OWNER)
    playbook = add_playbook(db_session)
    _enter(db_session, playbook, book["Acme Analytics"], days_ago=10)
    _enter(db_session, playbook, book["Birch Health"])
    _enter(db_session, playbook, book["Delta Freight"])  # Fox Mulder's book

    page = dana.get("/tasks").text

    assert "Acme Analytics" in page and "Birch Health" in page
    assert "Delta Freight" not in page, "another CSM's customer"
    assert page.index("Acme Analytics") < page.index("Birch Health"), "overdue first"
    assert "overdue 10 d" in page and "overdue 3 d" in page
    assert "4 to do" in page and "2 overdue" in page
    assert "Write to the sponsor" in page and "E-mail" in page and "Save the renewal" in page
    assert 'href="/tasks/' in page and 'href="/customers/' in page


def test_filters_by_playbook_and_persona_and_says_what_to_do_when_empty(
    db_session: Session, browser_for: BrowserFor
) -> None:
    book = add_book(db_session)
    personas = add_stage_results(db_session, book)
    admin = browser_for(Role.ADMIN)
    renewal = add_playbook(db_session)
    rescue = add_playbook(db_session, "Rescue the champion")
    _enter(db_session, renewal, book["Acme Analytics"])  # Power Users
    _enter(db_session, rescue, book["Birch Health"])  # Budget Skeptics

    by_playbook = admin.get(f"/tasks?playbook={rescue.id}").text
    by_persona = admin.get(f"/tasks?persona={personas['Power Users'].id}").text
    mine = admin.get("/tasks?scope=mine").text

    assert "Birch Health" in by_playbook and "Acme Analytics" not in by_playbook
    assert "Acme Analytics" in by_persona and "Birch Health" not in by_persona
    assert "Nothing to do: you have no open tasks." in mine


def test_the_task_page_shows_context_why_and_the_rendered_message(
    db_session: Session, browser_for: BrowserFor
) -> None:
    book = add_book(db_session)
    add_stage_results(db_session, book)
    acme = book["Acme Analytics"]
    add_contacts(db_session, acme, 1)
    add_churn_score(db_session, acme, 0.42, risk_tier="high", drivers=DRIVERS)
    dana = browser_for(Role.CSM, csm_owner=CSM_OWNER)
    playbook = add_playbook(db_session)
    enrolment = _enter(db_session, playbook, acme, detail="NPS fell from 9 to 4")
    task = enrolment.tasks[0]

    page = dana.get(f"/tasks/{task.id}").text

    assert "$120,000" in page and "2026-03-01" in page
    assert "Power Users" in page and "42%" in page
    assert "NPS fell from 9 to 4: raises risk a lot" in page
    assert "NPS fell from 9 to 4." in page, "why the customer entered"
    assert "Subject: Acme Analytics and your renewal" in page
    assert "Your renewal is on 1 March 2026." in page
    assert "Dear " in page, "Power Users write formally"
    assert 'data-copy="message-1"' in page
    assert f'action="/tasks/{task.id}/done"' in page


def test_a_missing_variable_is_named_on_the_task_page(
    db_session: Session, browser_for: BrowserFor
) -> None:
    cobalt = add_book(db_session)["Cobalt Retail"]  # no renewal date
    admin = browser_for(Role.ADMIN)
    task = _enter(db_session, add_playbook(db_session), cobalt).tasks[0]

    page = admin.get(f"/tasks/{task.id}").text

    assert "Your renewal is on your renewal." in page
    assert "No renewal date known:" in page


def test_done_with_a_note_leaves_the_queue_and_a_skip_needs_a_reason(
    db_session: Session, browser_for: BrowserFor
) -> None:
    book = add_book(db_session)
    dana = browser_for(Role.CSM, csm_owner=CSM_OWNER)
    enrolment = _enter(db_session, add_playbook(db_session), book["Acme Analytics"])
    write, call = enrolment.tasks

    done = dana.post(f"/tasks/{write.id}/done", data={"note": "Sponsor replied; call booked"})
    refused = dana.post(f"/tasks/{call.id}/skip", data={"note": "  "})
    queue = dana.get(done.headers["location"]).text
    again = dana.post(f"/tasks/{write.id}/done", data={"note": ""})

    assert done.status_code == 303 and done.headers["location"] == f"/tasks?closed={write.id}"
    assert "“Write to the sponsor” for Acme Analytics is done." in queue
    assert f'href="/tasks/{write.id}"' not in queue and f'href="/tasks/{call.id}"' in queue
    db_session.refresh(write)
    assert write.status is TaskStatus.DONE and write.outcome_note == "Sponsor replied; call booked"
    assert refused.status_code == 400
    assert "Not saved: say why the task is skipped in the outcome note." in refused.text
    assert again.status_code == 409 and "is already done" in again.text
    assert "Done on" in dana.get(f"/tasks/{write.id}").text


def test_snooze_needs_a_later_day(db_session: Session, browser_for: BrowserFor) -> None:
    book = add_book(db_session)
    dana = browser_for(Role.CSM, csm_owner=CSM_OWNER)
    task = _enter(db_session, add_playbook(db_session), book["Acme Analytics"]).tasks[0]
    today = utc_now().date()

    past = dana.post(f"/tasks/{task.id}/snooze", data={"until": today.isoformat()})
    blank = dana.post(f"/tasks/{task.id}/snooze", data={"until": ""})
    later = dana.post(
        f"/tasks/{task.id}/snooze", data={"until": (today + timedelta(days=5)).isoformat()}
    )

    assert past.status_code == 400 and "snooze a task until a day after today" in past.text
    assert blank.status_code == 400 and "pick the day to snooze the task until" in blank.text
    assert later.status_code == 303
    db_session.refresh(task)
    assert task.status is TaskStatus.SNOOZED
    assert "snoozed to" in dana.get("/tasks").text


def test_another_books_task_is_not_found_and_a_viewer_cannot_act(
    db_session: Session, browser_for: BrowserFor
) -> None:
    book = add_book(db_session)
    dana = browser_for(Role.CSM, csm_owner=CSM_OWNER)
    viewer = browser_for(Role.VIEWER)
    playbook = add_playbook(db_session)
    foxs = _enter(db_session, playbook, book["Delta Freight"]).tasks[0]
    danas = _enter(db_session, playbook, book["Acme Analytics"]).tasks[0]

    assert dana.get(f"/tasks/{foxs.id}").status_code == 404
    assert dana.post(f"/tasks/{foxs.id}/done", data={"note": ""}).status_code == 404
    assert dana.get(f"/tasks?closed={foxs.id}").status_code == 404
    shown = viewer.get(f"/tasks/{danas.id}")
    assert shown.status_code == 200 and "may read tasks but not work on them" in shown.text
    assert viewer.post(f"/tasks/{danas.id}/done", data={"note": ""}).status_code == 403
    assert db_session.get(Task, danas.id).status is TaskStatus.OPEN  # type: ignore[union-attr]


def test_a_long_queue_pages_on_and_the_pager_swaps_only_the_table(
    db_session: Session, browser_for: BrowserFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tasks_page, "ROWS_PER_PAGE", 3)
    book = add_book(db_session)
    add_stage_results(db_session, book)
    admin = browser_for(Role.ADMIN)
    playbook = add_playbook(db_session)
    for name in ("Acme Analytics", "Birch Health", "Delta Freight"):
        _enter(db_session, playbook, book[name])

    first = admin.get("/tasks").text
    second = admin.get("/tasks?page=2", headers={"HX-Request": "true"}).text

    assert "6 to do" in first and "1–3 of 6" in first and first.count('href="/tasks/') == 3
    assert "<html" not in second and "4–6 of 6" in second
    assert second.count('href="/tasks/') == 3
