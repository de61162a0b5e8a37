import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cspersona.auth.models import Role
from tests.conftest import CSM_OWNER
from tests.factories import add_book, add_expansion_scores, add_stage_results

BrowserFor = Callable[..., TestClient]


def companies(page: str) -> list[str]:
    """Company names of the expansion table, top to bottom."""
    return re.findall(r'<td><a href="/customers/\d+">([^<]+)</a></td>', page)


def test_expansion_lists_the_likeliest_first_with_reasons_features_and_timing(
    db_session: Session, browser_for: BrowserFor
) -> None:
    book = add_book(db_session)
    add_stage_results(db_session, book)
    add_expansion_scores(db_session, book)

    page = browser_for(Role.VIEWER).get("/expansion").text

    assert companies(page) == [
        "Delta Freight",
        "Acme Analytics",
        "Echo Bank",
        "Birch Health",
        "Cobalt Retail",
    ]
    assert "62%" in page
    assert "REST API" in page and "80% of similar customers use it" in page
    assert "Uses every feature" in page
    assert "Promoter NPS answer (10) 12 days ago" in page
    assert page.count("raises expansion odds strongly") == 5
    assert "seat_saturation" not in page and '"when"' not in page


def test_expansion_shows_a_csm_their_own_book_and_filters_by_persona(
    db_session: Session, browser_for: BrowserFor
) -> None:
    book = add_book(db_session)
    personas = add_stage_results(db_session, book)
    add_expansion_scores(db_session, book)

    csm = browser_for(Role.CSM, csm_owner=CSM_OWNER).get("/expansion").text
    fragment = (
        browser_for(Role.ANALYST)
        .get(
            "/expansion",
            params={"persona": personas["Power Users"].id},
            headers={"HX-Request": "true"},
        )
        .text
    )

    assert companies(csm) == ["Acme Analytics", "Birch Health"]
    assert "<html" not in fragment
    assert companies(fragment) == ["Delta Freight", "Acme Analytics"]


def test_expansion_says_to_run_the_pipeline_before_it_ran(
    db_session: Session, browser_for: BrowserFor
) -> None:
    add_book(db_session)

    page = browser_for(Role.VIEWER).get("/expansion").text

    assert 'data-testid="empty-state"' in page and "run the pipeline" in page
