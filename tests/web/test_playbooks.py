"""Playbook pages: the list, one playbook in words, the analyst's editor, starting one by hand."""

import html
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.auth.models import Role
from cspersona.customers.models import LifecycleEvent, LifecycleKind
from cspersona.db.types import utc_now
from cspersona.playbooks.enrolment import enter
from cspersona.playbooks.models import Arm, Enrolment, Playbook, PlaybookStatus
from tests.conftest import CSM_OWNER
from tests.factories import (
    add_book,
    add_customer,
    add_nps,
    add_playbook,
    add_stage_results,
    new_persona,
)
from tests.web.conftest import BrowserFor

DETAILED: dict[str, Any] = {
    "objective": "Keep renewing customers whose NPS fell.",
    "trigger": {"kind": "renewal_within", "days": 60},
    "criteria": {
        "entry": [{"field": "arr", "op": "ge", "value": 20000}],
        "exit": [{"field": "risk_tier", "op": "eq", "value": "normal"}],
    },
    "reentry": {"times": 2, "days": 180},
    "escalation": {"levels": [{"after_days": 3, "target": "role:analyst"}], "repeat": 1},
    "success": [
        {"metric": "nps", "target": 8, "window_days": 90},
        {"metric": "renewal_rate", "target": 0.9, "window_days": 120},
    ],
    "evidence": [{"source": "history", "text": "7 of 9 customers like these renewed after a call"}],
    "control_share": 0.1,
}


def _form(**changes: str) -> dict[str, str]:
    """The editor as an analyst fills it in for a two-step playbook."""
    form = {
        "name": "Win back the sponsor",
        "objective": "Rebuild the relationship",
        "trigger_kind": "nps_drop",
        "trigger_points": "3",
        "entry_criteria": "arr ge 20000",
        "exit_criteria": "",
        "reentry_times": "1",
        "reentry_days": "90",
        "control_share": "10",
        "escalation_levels": "3 role:analyst",
        "escalation_repeat": "0",
        "on_risk_worsening": "1",
        "success": "churn_rate 0.05 90",
        "step-0-title": "Write to the sponsor",
        "step-0-kind": "email",
        "step-0-due_days": "0",
        "step-0-owner": "csm",
        "step-0-email-subject": "{{ company }}",
        "step-0-email-body": "{{ greeting }} we heard you.",
        "step-1-title": "Call the sponsor",
        "step-1-kind": "call",
        "step-1-due_days": "5",
        "step-1-owner": "csm",
        "step-2-title": "",
        "step-2-kind": "email",
        "step-2-due_days": "0",
        "step-2-owner": "csm",
    }
    return form | changes


def test_the_list_says_what_starts_each_playbook_and_who_is_in_it(
    db_session: Session, browser_for: BrowserFor
) -> None:
    book = add_book(db_session)
    playbook = add_playbook(db_session, **DETAILED)
    enter(
        db_session,
        playbook=playbook,
        customer=book["Acme Analytics"],
        reason="manual",
        detail="",
        at=utc_now(),
    )
    csm = browser_for(Role.CSM, csm_owner=CSM_OWNER)

    page = csm.get("/playbooks").text

    assert "Save the renewal" in page
    assert "The renewal is 60 days away or less" in page
    assert '<td class="numeric">2</td>' in page and '<td class="numeric">10%</td>' in page
    assert '<td class="numeric">1</td>' in page, "one customer in"
    assert "New playbook" not in page, "a CSM does not write playbooks"


def test_the_playbook_page_says_everything_in_words_and_shows_only_the_readers_book(
    db_session: Session, browser_for: BrowserFor
) -> None:
    book = add_book(db_session)
    add_stage_results(db_session, book)
    playbook = add_playbook(db_session, **DETAILED)
    for name in ("Acme Analytics", "Delta Freight"):
        enter(
            db_session,
            playbook=playbook,
            customer=book[name],
            reason="nps_drop",
            detail=f"NPS of {name} fell from 9 to 4",
            at=utc_now(),
        )
    dana = browser_for(Role.CSM, csm_owner=CSM_OWNER)
    analyst = browser_for(Role.ANALYST)

    page = dana.get(f"/playbooks/{playbook.id}").text
    full = analyst.get(f"/playbooks/{playbook.id}").text

    assert "Keep renewing customers whose NPS fell." in page
    assert "The renewal is 60 days away or less" in page
    assert "ARR is at least $20,000" in page and "The churn-risk tier is normal" in page
    assert "At most twice every 180 days" in page
    assert "Level 1: 3 days past the due date, to the analysts." in page
    assert "Then the levels repeat 1 more time(s)." in page
    assert "Average NPS score at 8 within 90 days" in page
    assert "Renewal rate at 90% within 120 days" in page
    assert "7 of 9 customers like these renewed after a call" in page
    assert "due 7 days after entry" in page and "by the customer&#39;s CSM" in page
    assert "Subject: Acme Analytics and your renewal" in page, "previewed for a customer in it"
    assert "NPS of Acme Analytics fell from 9 to 4" in page
    assert "Delta Freight" not in page, "another CSM's customer"
    assert "Delta Freight" in full
    assert 'data-testid="playbook-results"' in page
    assert "No difference to read yet: both arms need customers whose window closed." in page
    assert "churn is read over 90 days after entry" in page
    assert page.count("no sample size can be worked out") == 1
    assert "Edit" not in page.split("<h1")[1].split("</div>")[0]
    assert f'href="/playbooks/{playbook.id}/edit"' in full


def test_the_editor_creates_a_playbook_and_keeps_values_with_reasons_when_refused(
    db_session: Session, browser_for: BrowserFor
) -> None:
    analyst = browser_for(Role.ANALYST)

    blank = analyst.get("/playbooks/new")
    refused = analyst.post(
        "/playbooks/new",
        data=_form(**{"step-1-due_days": "-1", "step-0-email-body": "{{ budget }}"}),
    )
    unknown = analyst.post("/playbooks/new", data=_form(**{"step-0-email-body": "{{ budget }}"}))
    created = analyst.post("/playbooks/new", data=_form())

    assert blank.status_code == 200 and 'name="step-0-title"' in blank.text
    assert refused.status_code == 400
    assert "step 2 (Call the sponsor), due days: input should be greater than or equal to 0" in (
        refused.text
    )
    assert 'value="Win back the sponsor"' in refused.text, "values kept"
    assert unknown.status_code == 400 and "template uses unknown variable(s) budget" in unknown.text
    assert created.status_code == 303
    playbook = db_session.get(Playbook, int(created.headers["location"].rsplit("/", 1)[1]))
    assert playbook is not None
    definition = playbook.definition
    assert [step.title for step in definition.steps] == ["Write to the sponsor", "Call the sponsor"]
    assert definition.trigger.points == 3 and definition.control_share == 0.1
    assert definition.criteria.entry[0].value == 20000.0
    assert definition.escalation.levels[0].target == "role:analyst"
    assert definition.success[0].metric == "churn_rate"
    assert definition.steps[0].templates[0].subject == "{{ company }}"
    assert playbook.updated_by is not None and playbook.updated_by.startswith("analyst")


def test_editing_renames_removes_and_adds_steps_and_keeps_the_evidence(
    db_session: Session, browser_for: BrowserFor
) -> None:
    retired_persona = new_persona(db_session, "Old Timers")
    playbook = add_playbook(db_session, persona_ids=[retired_persona.id], **DETAILED)
    add_playbook(db_session, "Taken name")
    analyst = browser_for(Role.ANALYST)

    form_page = analyst.get(f"/playbooks/{playbook.id}/edit").text
    saved = analyst.post(
        f"/playbooks/{playbook.id}/edit",
        data=_form(
            **{
                "step-0-title": "Write to the new sponsor",
                "step-1-remove": "1",
                "step-2-title": "Check usage",
                "step-2-kind": "internal_task",
                "step-2-due_days": "9",
            }
        ),
    )
    taken = analyst.post(f"/playbooks/{playbook.id}/edit", data=_form(name="Taken name"))

    assert 'value="Write to the sponsor"' in form_page and "arr ge 20000" in form_page
    assert "Old Timers (no longer current)</label>" in form_page
    assert f'value="{retired_persona.id}" checked' in form_page
    assert "3 role:analyst" in form_page and "nps 8 90\nrenewal_rate 0.9 120" in form_page
    assert saved.status_code == 303
    db_session.refresh(playbook)
    steps = playbook.definition.steps
    assert [(step.title, step.kind.value) for step in steps] == [
        ("Write to the new sponsor", "email"),
        ("Check usage", "internal_task"),
    ]
    assert playbook.definition.evidence[0].text.startswith("7 of 9 customers")
    assert taken.status_code == 409 or taken.status_code == 400
    assert "a playbook named “Taken name” already exists" in taken.text


def test_only_analysts_edit_and_they_retire_and_activate(
    db_session: Session, browser_for: BrowserFor
) -> None:
    playbook = add_playbook(db_session)
    csm = browser_for(Role.CSM, csm_owner=CSM_OWNER)
    analyst = browser_for(Role.ANALYST)

    assert csm.get("/playbooks/new").status_code == 403
    assert csm.get(f"/playbooks/{playbook.id}/edit").status_code == 403
    assert csm.post("/playbooks/new", data=_form()).status_code == 403
    assert (
        csm.post(f"/playbooks/{playbook.id}/status", data={"status": "retired"}).status_code == 403
    )
    retired = analyst.post(f"/playbooks/{playbook.id}/status", data={"status": "retired"})
    db_session.refresh(playbook)
    assert retired.status_code == 303 and playbook.status is PlaybookStatus.RETIRED
    assert ">Activate</button>" in analyst.get(f"/playbooks/{playbook.id}").text
    assert analyst.get("/playbooks/99999").status_code == 404


def test_a_csm_starts_a_playbook_from_the_customer_page(
    db_session: Session, browser_for: BrowserFor
) -> None:
    book = add_book(db_session)
    dana = browser_for(Role.CSM, csm_owner=CSM_OWNER)
    viewer = browser_for(Role.VIEWER)
    playbook = add_playbook(db_session)
    retired = add_playbook(db_session, "Old play")
    retired.status = PlaybookStatus.RETIRED
    acme = book["Acme Analytics"]

    page = dana.get(f"/customers/{acme.id}").text
    first = dana.post(
        f"/customers/{acme.id}/playbooks", data={"playbook_id": playbook.id, "why": "Sponsor left"}
    )
    second = dana.post(
        f"/customers/{acme.id}/playbooks",
        data={"playbook_id": playbook.id},
        headers={"HX-Request": "true"},
    )
    old = dana.post(f"/customers/{acme.id}/playbooks", data={"playbook_id": retired.id})
    others = dana.post(
        f"/customers/{book['Delta Freight'].id}/playbooks", data={"playbook_id": playbook.id}
    )

    assert "Not in any playbook now." in page and ">Save the renewal</option>" in page
    assert "Old play" not in page
    assert "Acme Analytics entered “Save the renewal”: 2 tasks created, the first due" in (
        first.text
    )
    assert "Write to the sponsor</a>" in first.text and "<h1>Playbooks of Acme" in first.text
    assert "<html" not in second.text, "HTMX gets the panel alone"
    assert "Acme Analytics is already in “Save the renewal”" in second.text
    assert (
        "playbook “Old play” is retired: only active playbooks take customers; activate it first"
        in old.text
    )
    assert others.status_code == 404
    enrolment = db_session.scalars(select(Enrolment).where(Enrolment.customer_id == acme.id)).one()
    assert enrolment.reason == "manual"
    assert enrolment.detail == f"started by hand by {enrolment.entered_by}: Sponsor left"
    assert enrolment.entered_by is not None and enrolment.entered_by.startswith("csm")
    assert "Start a playbook" not in viewer.get(f"/customers/{acme.id}").text
    viewer_post = viewer.post(f"/customers/{acme.id}/playbooks", data={"playbook_id": playbook.id})
    assert viewer_post.status_code == 403


def test_the_results_track_each_success_metric_by_month_with_a_chart(
    db_session: Session, browser_for: BrowserFor
) -> None:
    success = [{"metric": "churn_rate", "target": 0.05, "window_days": 365}]
    playbook = add_playbook(db_session, "Tracked", success=success)
    untouched = add_playbook(db_session, "Untouched", success=success)
    entered = datetime(2025, 3, 10, tzinfo=UTC)
    for name in ("Churns in April", "Stays"):
        customer = add_customer(db_session, name)
        db_session.add(
            Enrolment(
                playbook_id=playbook.id,
                customer_id=customer.id,
                arm=Arm.TREATED,
                assignment_draw=0.9,
                reason="manual",
                entered_at=entered,
                last_triggered_at=entered,
            )
        )
        if name == "Churns in April":
            db_session.add(
                LifecycleEvent(
                    customer_id=customer.id,
                    kind=LifecycleKind.CHURNED,
                    at=datetime(2025, 4, 20, tzinfo=UTC),
                )
            )
    # The data ends in May 2025: the page reads up to then, not up to today.
    add_nps(db_session, customer, 8, answered_at=datetime(2025, 5, 20, tzinfo=UTC))
    analyst = browser_for(Role.ANALYST)

    page = analyst.get(f"/playbooks/{playbook.id}").text
    empty = analyst.get(f"/playbooks/{untouched.id}").text

    tracking = page.split('data-testid="tracking"')[1]
    assert (
        "Churn rate among treated customers: 0% in May 2025 (1 customer) against a target of "
        "5% within 365 days (0.4% a month)." in tracking
    )
    figure = json.loads(html.unescape(tracking.split("data-figure='")[1].split("'")[0]))
    assert [trace["name"] for trace in figure["data"]] == ["treated", "held back", "target a month"]
    assert figure["data"][0]["x"] == ["Mar 2025", "Apr 2025", "May 2025"]
    assert figure["data"][0]["y"] == [None, 50.0, 0.0]
    assert figure["data"][2]["y"] == [0.43, 0.43, 0.43] and figure["data"][2]["line"]["dash"]
    assert "plotly.min.js" in page
    assert "Churn rate: nothing to show yet; customers count from their first whole" in empty
    assert 'class="chart"' not in empty and "plotly.min.js" not in empty


def test_the_messages_preview_for_a_chosen_customer_of_the_readers_book_only(
    db_session: Session, browser_for: BrowserFor
) -> None:
    book = add_book(db_session)
    add_stage_results(db_session, book)
    playbook = add_playbook(db_session)
    dana = browser_for(Role.CSM, csm_owner=CSM_OWNER)

    chosen = dana.get(f"/playbooks/{playbook.id}?customer={book['Birch Health'].id}")
    other = dana.get(f"/playbooks/{playbook.id}?customer={book['Delta Freight'].id}")

    assert "Subject: Birch Health and your renewal" in chosen.text
    assert f'<option value="{book["Birch Health"].id}" selected>' in chosen.text
    assert "Delta Freight" not in chosen.text, "another book's customer is not offered"
    assert other.status_code == 404
