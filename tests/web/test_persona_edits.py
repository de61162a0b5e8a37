"""Persona forms on the pages: CSM verdicts on the customer page, agreement and analysts' edits."""

from sqlalchemy.orm import Session

from cspersona.auth.models import Role
from cspersona.personas import edits
from cspersona.personas.models import PersonaFeedback
from tests.conftest import CSM_OWNER
from tests.factories import add_book, add_stage_results
from tests.web.conftest import BrowserFor


def test_a_csm_agrees_or_disagrees_on_the_customer_page(
    db_session: Session, browser_for: BrowserFor
) -> None:
    book = add_book(db_session)
    add_stage_results(db_session, book)
    birch = book["Birch Health"].id  # Dana's, a Budget Skeptic
    dana = browser_for(Role.CSM, csm_owner=CSM_OWNER)
    viewer = browser_for(Role.VIEWER)

    page = dana.get(f"/customers/{birch}").text
    answer = dana.post(
        f"/customers/{birch}/persona/feedback",
        data={"agree": "false", "comment": "They stopped asking about price."},
    )
    agreed = dana.post(f"/customers/{birch}/persona/feedback", data={"agree": "true"})
    others = dana.post(
        f"/customers/{book['Delta Freight'].id}/persona/feedback", data={"agree": "true"}
    )

    assert "Does Birch Health fit Budget Skeptics?" in page
    assert 'name="agree" value="false"' in page
    assert answer.status_code == 200
    assert (
        'Thanks: you disagree that Birch Health is Budget Skeptics ("They stopped asking about '
        'price.").' in answer.text
    )
    assert "CSM agreement 0% of 1 verdict" in answer.text
    assert "CSM agreement 50% of 2 verdicts" in agreed.text
    assert others.status_code == 404, "another CSM's customer"
    assert "Does Birch Health fit" not in viewer.get(f"/customers/{birch}").text
    assert (
        viewer.post(f"/customers/{birch}/persona/feedback", data={"agree": "true"}).status_code
        == 403
    )


def test_a_persona_under_the_agreement_target_is_flagged(
    db_session: Session, browser_for: BrowserFor
) -> None:
    book = add_book(db_session)
    personas = add_stage_results(db_session, book)
    power = personas["Power Users"]
    verdicts = [True, True, True, False, False]
    for agree in verdicts[:4]:
        db_session.add(
            PersonaFeedback(customer_id=book["Acme Analytics"].id, persona_id=power.id, agree=agree)
        )
    db_session.flush()
    viewer = browser_for(Role.VIEWER)

    four = viewer.get(f"/personas/{power.id}").text
    db_session.add(
        PersonaFeedback(customer_id=book["Acme Analytics"].id, persona_id=power.id, agree=False)
    )
    db_session.flush()
    five = viewer.get(f"/personas/{power.id}").text
    listed = viewer.get("/personas").text

    assert "CSM agreement 75% of 4 verdicts" in four and "below the 85% target" not in four
    assert "CSM agreement 60% of 5 verdicts" in five and "below the 85% target" in five
    assert "CSM agreement 60% of 5 verdicts" in listed and "below the 85% target" in listed


def test_the_persona_page_shows_its_industry_overlays(
    db_session: Session, browser_for: BrowserFor
) -> None:
    power = add_stage_results(db_session, add_book(db_session))["Power Users"]

    page = browser_for(Role.VIEWER).get(f"/personas/{power.id}").text

    assert 'FinTech <span class="muted">50% of members · focus: compliance</span>' in page
    assert "Regulatory audits (SOC 2, PCI DSS)" in page
    assert "say “audit trail” for data export" in page
    assert "Avoid change proposals in quarter-end and year-end close" in page
    assert "HealthTech" not in page


def test_an_analyst_renames_and_rewrites_a_persona_on_its_page(
    db_session: Session, browser_for: BrowserFor
) -> None:
    personas = add_stage_results(db_session, add_book(db_session))
    power = personas["Power Users"].id
    analyst = browser_for(Role.ANALYST)
    dana = browser_for(Role.CSM, csm_owner=CSM_OWNER)

    forms = analyst.get(f"/personas/{power}").text
    renamed = analyst.post(f"/personas/{power}/name", data={"name": "Report Builders"})
    rewritten = analyst.post(
        f"/personas/{power}/narrative", data={"narrative": "They live in reports."}
    )
    taken = analyst.post(f"/personas/{power}/name", data={"name": "Report Builders "})
    page = analyst.get(f"/personas/{power}").text
    denied = dana.post(f"/personas/{power}/name", data={"name": "Mine"})

    assert 'action="/personas/' in forms and "Edit this persona" in forms
    assert "Edit this persona" not in dana.get(f"/personas/{power}").text
    assert renamed.status_code == rewritten.status_code == 303
    assert renamed.headers["location"] == f"/personas/{power}"
    assert taken.status_code == 303, "the same name again changes nothing"
    assert "<h1>Report Builders</h1>" in page
    assert "They live in reports." in page
    assert "Edited by analyst-" in page
    assert "renamed from “Power Users” to “Report Builders”" in page
    assert "rewrote the narrative" in page
    assert denied.status_code == 403
    assert len(edits.history(db_session=db_session, persona_id=power)) == 2


def test_a_name_another_persona_has_is_refused_with_its_reason(
    db_session: Session, browser_for: BrowserFor
) -> None:
    personas = add_stage_results(db_session, add_book(db_session))
    analyst = browser_for(Role.ANALYST)
    power = personas["Power Users"]

    clash = analyst.post(f"/personas/{power.id}/name", data={"name": "Power Users"})
    personas["Budget Skeptics"].version = power.version
    db_session.flush()
    refused = analyst.post(
        f"/personas/{personas['Budget Skeptics'].id}/name", data={"name": "Power Users"}
    )
    bad_list = analyst.post("/personas/new", data={"customers": "12, forty"})

    assert clash.status_code == 303
    assert refused.status_code == 409
    assert f"persona {power.id} is already called" in refused.text
    assert bad_list.status_code == 400
    assert "the number in their page address" in bad_list.text
