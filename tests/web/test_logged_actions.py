"""The customer page's "Logged actions": the log in words, and the form that adds to it."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.auth.models import Role
from cspersona.interventions import service
from cspersona.interventions.models import (
    Arm,
    Intervention,
    InterventionKind,
    InterventionSource,
)
from tests.conftest import CSM_OWNER
from tests.factories import add_book
from tests.web.conftest import BrowserFor

AT = datetime(2025, 3, 3, 9, tzinfo=UTC)


def test_the_log_reads_in_words_newest_first_with_arms_and_corrections(
    db_session: Session, browser_for: BrowserFor
) -> None:
    acme = add_book(db_session)["Acme Analytics"]
    service.record(
        db_session,
        customer_id=acme.id,
        kind=InterventionKind.ENTERED,
        source=InterventionSource.PLAYBOOK,
        performed_by="playbook",
        performed_at=AT,
        link=service.PlaybookLink("Save the renewal", arm=Arm.HELD_BACK),
    )
    wrong = service.record(
        db_session,
        customer_id=acme.id,
        kind=InterventionKind.CALL,
        source=InterventionSource.API,
        performed_by="Dana Scully",
        performed_at=AT + timedelta(days=2),
    )
    service.record(
        db_session,
        customer_id=acme.id,
        kind=InterventionKind.MEETING,
        source=InterventionSource.API,
        performed_by="Dana Scully",
        performed_at=AT + timedelta(days=2),
        corrects=wrong,
        note="It was a meeting",
    )

    page = browser_for(Role.VIEWER).get(f"/customers/{acme.id}").text

    assert '<h2 id="actions-heading">Logged actions</h2>' in page
    meeting, call, playbook = (
        page.index(text) for text in ("Meeting", "Call", "Entered a playbook")
    )
    assert meeting < call < playbook
    assert "Save the renewal · held back (control group)" in page
    assert "Corrected by a later entry." in page and "A correction of an earlier entry." in page
    assert "Log an action" not in page, "a viewer may not log"


def test_a_csm_logs_an_action_from_the_page_and_another_books_customer_is_a_404(
    db_session: Session, browser_for: BrowserFor
) -> None:
    book = add_book(db_session)
    acme = book["Acme Analytics"]
    dana = browser_for(Role.CSM, csm_owner=CSM_OWNER)
    form = {"kind": "call", "done_on": "2025-03-03", "hours": "0.5", "note": "Renewal call"}

    page = dana.get(f"/customers/{acme.id}").text
    logged = dana.post(f"/customers/{acme.id}/actions", data=form, headers={"HX-Request": "true"})
    future = dana.post(
        f"/customers/{acme.id}/actions",
        data={**form, "done_on": (date.today() + timedelta(days=2)).isoformat()},
    )
    others = dana.post(f"/customers/{book['Delta Freight'].id}/actions", data=form)

    assert "Log an action" in page and "No action logged for this customer yet." in page
    assert "<html" not in logged.text, "HTMX gets the panel alone"
    assert "Logged: call on 3 March 2025." in logged.text
    assert "Not logged: an action cannot be logged as done in the future." in future.text
    assert others.status_code == 404
    entry = db_session.scalars(select(Intervention)).one()
    assert (entry.source, entry.kind, entry.hours, entry.arm) == (
        InterventionSource.PAGE,
        InterventionKind.CALL,
        0.5,
        None,
    )
    assert entry.performed_at == datetime(2025, 3, 3, 12, tzinfo=UTC)
