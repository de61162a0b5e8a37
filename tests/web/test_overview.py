import json
import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cspersona.auth.models import Role
from tests.conftest import CSM_OWNER
from tests.factories import add_book, add_stage_results

BrowserFor = Callable[..., TestClient]


def figures(page: str) -> list[dict[str, object]]:
    """The Plotly figures a page draws, in order."""
    return [
        json.loads(raw.replace("&#39;", "'").replace("&quot;", '"').replace("&amp;", "&"))
        for raw in re.findall(r"data-figure='([^']*)'", page)
    ]


def test_the_overview_draws_personas_revenue_risk_and_sentiment(
    db_session: Session, browser_for: BrowserFor
) -> None:
    add_stage_results(db_session, add_book(db_session))

    page = browser_for(Role.VIEWER).get("/overview").text

    sizes, revenue, risk, sentiment = figures(page)
    assert sizes["data"][0]["x"] == ["Budget<br>Skeptics", "Power<br>Users"]  # type: ignore[index]
    assert sizes["data"][0]["y"] == [3, 2]  # type: ignore[index]
    assert revenue["data"][0]["values"] == [54_000.0, 370_000.0]  # type: ignore[index]
    assert sum(risk["data"][0]["y"]) == 5  # type: ignore[index]
    assert sentiment["data"][0]["x"] == ["2025-01", "2025-02"]  # type: ignore[index]
    assert "87%" in page  # Power Users' share of ARR
    assert "empty-state" not in page


def test_the_overview_switches_horizon_and_narrows_to_a_csms_book(
    db_session: Session, browser_for: BrowserFor
) -> None:
    add_stage_results(db_session, add_book(db_session))

    page = browser_for(Role.CSM, csm_owner=CSM_OWNER).get("/overview?horizon=30").text

    sizes, _, risk, _ = figures(page)
    assert sizes["data"][0]["y"] == [1, 1]  # type: ignore[index]
    assert sum(risk["data"][0]["y"]) == 2  # type: ignore[index]
    assert "churn probability, 30 days" in json.dumps(risk)


def test_the_overview_says_to_run_the_pipeline_before_it_ran(
    db_session: Session, browser_for: BrowserFor
) -> None:
    add_book(db_session)

    page = browser_for(Role.VIEWER).get("/overview").text

    assert page.count('data-testid="empty-state"') == 4
    assert "data-figure" not in page
