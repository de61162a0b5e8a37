from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cspersona.auth.models import Role
from tests.conftest import CSM_OWNER
from tests.factories import add_book, add_stage_results, add_voice_checks
from tests.web.test_overview import figures

BrowserFor = Callable[..., TestClient]


def test_the_persona_map_colours_by_persona_and_fades_by_confidence(
    db_session: Session, browser_for: BrowserFor
) -> None:
    book = add_book(db_session)
    add_stage_results(db_session, book)

    page = browser_for(Role.VIEWER).get("/personas").text

    (figure,) = figures(page)
    traces = {trace["name"]: trace for trace in figure["data"]}  # type: ignore[attr-defined]
    assert set(traces) == {"Power Users", "Budget Skeptics"}
    power = traces["Power Users"]
    assert power["customdata"] == [
        f"/customers/{book['Acme Analytics'].id}",
        f"/customers/{book['Delta Freight'].id}",
    ]
    assert power["marker"]["opacity"] == [0.925, 0.7]
    assert figure["clickOpens"] is True


def test_the_persona_page_shows_profile_narrative_quotes_topics_and_members(
    db_session: Session, browser_for: BrowserFor
) -> None:
    personas = add_stage_results(db_session, add_book(db_session))
    power = personas["Power Users"].id

    page = browser_for(Role.VIEWER).get(f"/personas/{power}").text
    dana = browser_for(Role.CSM, csm_owner=CSM_OWNER).get(f"/personas/{power}").text

    skeptics = browser_for(Role.VIEWER).get(f"/personas/{personas['Budget Skeptics'].id}").text

    assert "Analysts who live in the product" in page
    for label, text in (
        ("Share of ARR", "87%"),
        ("MBTI-style type", "ENTJ"),
        ("Decision-making", "data-driven"),
        ("Industries", "Logistics 50%, FinTech 50%"),
        ("Top topics", "exports"),
        ("Formality", "formal"),
        ("Triggers", "frustration"),
        ("Pain points", "—"),
    ):
        assert page.count(f"<dt>{label}</dt><dd>{text}</dd>") == 1
    assert "We export every report by hand." in page and "message 0" not in page
    assert "exports and reports" in page
    assert "Cobalt Retail · sentiment -0.80" in skeptics, "computed quotes without stored ones"
    assert page.index("Acme Analytics") < page.index("Delta Freight")
    assert "Delta Freight" not in dana and "Acme Analytics" in dana


def test_an_unknown_persona_is_a_404_page_and_no_personas_an_empty_map(
    db_session: Session, browser_for: BrowserFor
) -> None:
    add_book(db_session)
    user = browser_for(Role.VIEWER)

    missing = user.get("/personas/999999")
    empty = user.get("/personas").text

    assert missing.status_code == 404
    assert "persona 999999 does not exist" in missing.text
    assert 'data-testid="empty-state"' in empty


def test_the_persona_page_shows_fidelity_and_the_messages_behind_each_claim(
    db_session: Session, browser_for: BrowserFor
) -> None:
    book = add_book(db_session)
    power = add_stage_results(db_session, book)["Power Users"]
    quoted = add_voice_checks(db_session, power, book["Acme Analytics"])
    link = f"/customers/{book['Acme Analytics'].id}/conversations/{quoted.interaction_id}"

    page = browser_for(Role.VIEWER).get(f"/personas/{power.id}").text
    conversation = browser_for(Role.VIEWER).get(link).text
    elsewhere = browser_for(Role.CSM, csm_owner="Fox Mulder").get(link)

    assert "predicted what its members said next 80% as well as their own history did" in page
    assert "2 members had enough history to check" in page
    assert "<td>The topic they wrote about most</td>" in page and "How this was computed" in page
    assert "They raise exports more than most customers (30% of their messages" in page
    assert page.count("Exporting every report by hand costs us a day each month.") == 2
    assert f'href="{link}#message-{quoted.id}"' in page
    assert page.count("No direct evidence in what members wrote.") == 2  # metric, MBTI
    assert f'id="message-{quoted.id}"' in conversation and "Research interview" in conversation
    assert elsewhere.status_code == 404, "a CSM opens only their own customers' conversations"


def test_a_persona_built_before_the_checks_says_so(
    db_session: Session, browser_for: BrowserFor
) -> None:
    skeptics = add_stage_results(db_session, add_book(db_session))["Budget Skeptics"]

    page = browser_for(Role.VIEWER).get(f"/personas/{skeptics.id}").text

    assert "Not checked yet" in page and "behind each claim" not in page
