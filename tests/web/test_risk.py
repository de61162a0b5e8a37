import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cspersona.auth.models import Role
from tests.conftest import CSM_OWNER
from tests.factories import add_book, add_stage_results

BrowserFor = Callable[..., TestClient]


def companies(page: str) -> list[str]:
    """Company names of the risk table, top to bottom."""
    return re.findall(r'<td><a href="/customers/\d+">([^<]+)</a></td>', page)


def test_the_risk_table_ranks_by_risk_with_drivers_and_interventions(
    db_session: Session, browser_for: BrowserFor
) -> None:
    add_stage_results(db_session, add_book(db_session))

    page = browser_for(Role.VIEWER).get("/risk").text

    assert companies(page) == [
        "Cobalt Retail",
        "Birch Health",
        "Echo Bank",
        "Acme Analytics",
        "Delta Freight",
    ]
    assert page.count("sentiment falling for 60 days") == 5
    assert "Call the champion this week" in page
    assert "85%" in page


def test_the_risk_table_sorts_and_filters_by_horizon_and_persona(
    db_session: Session, browser_for: BrowserFor
) -> None:
    personas = add_stage_results(db_session, add_book(db_session))
    user = browser_for(Role.ANALYST)

    by_arr = user.get("/risk", params={"sort": "arr", "order": "desc"}).text
    fragment = user.get(
        "/risk",
        params={"horizon": 30, "persona": personas["Power Users"].id},
        headers={"HX-Request": "true"},
    ).text
    csm = browser_for(Role.CSM, csm_owner=CSM_OWNER).get("/risk").text

    assert companies(by_arr)[:2] == ["Delta Freight", "Acme Analytics"]
    assert "<html" not in fragment
    assert companies(fragment) == ["Acme Analytics", "Delta Freight"]
    assert "10%" in fragment and "1–2 of 2" in fragment
    assert companies(csm) == ["Birch Health", "Acme Analytics"]


def test_the_risk_table_says_to_run_the_pipeline_before_it_ran(
    db_session: Session, browser_for: BrowserFor
) -> None:
    add_book(db_session)

    page = browser_for(Role.VIEWER).get("/risk").text

    assert 'data-testid="empty-state"' in page and "run the pipeline" in page
