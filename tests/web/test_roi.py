"""The ROI page, its report downloads and ``GET /api/roi``, on the example quarter's figures."""

import json
from collections.abc import Callable
from dataclasses import replace

import pypdfium2 as pdfium
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cspersona.auth.models import Role
from cspersona.auth.policy import Principal
from cspersona.reports import executive
from cspersona.roi import words
from cspersona.roi.summary import Period, RoiSummary
from tests.conftest import CSM_OWNER
from tests.factories import add_book
from tests.roi.examples import quarter_summary
from tests.web.test_overview import figures

BrowserFor = Callable[..., TestClient]
Asked = list[tuple[str, Principal | None]]


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> Asked:
    """The periods and principals the figures were asked for; they answer with the example."""
    calls: Asked = []

    def summary_for(
        db_session: object, *, period: Period, settings: object, principal: Principal | None
    ) -> RoiSummary:
        calls.append((period.label, principal))
        return replace(quarter_summary(), period=period)

    monkeypatch.setattr(executive, "summary_for", summary_for)
    return calls


def test_the_roi_page_says_the_headline_and_draws_effects_and_revenue(
    browser_for: BrowserFor, asked: Asked
) -> None:
    page = browser_for(Role.VIEWER).get("/roi?period=2025-Q3").text

    summary = quarter_summary()
    for sentence in words.headline(summary):
        assert sentence in page
    by_playbook, by_persona, revenue = figures(page)
    assert by_playbook["data"][0]["x"] == [2.0, None, 6.2]  # type: ignore[index]
    assert "Renewal early warning (too few to tell yet)" in json.dumps(by_playbook)
    assert len(by_persona["data"][0]["y"]) == 4  # type: ignore[index]
    assert [trace["name"] for trace in revenue["data"]] == [  # type: ignore[index]
        "churned",
        "contracted",
        "expanded",
        "saved by playbooks",
    ]
    assert 'href="/roi/report.pdf?period=2025-Q3"' in page
    assert 'href="/roi/report.html?period=2025-Q3"' in page
    assert '<a href="/roi" aria-current="page">ROI</a>' in page
    assert asked[0][0] == "2025-Q3"


def test_a_csms_figures_are_asked_for_their_own_book(browser_for: BrowserFor, asked: Asked) -> None:
    response = browser_for(Role.CSM, csm_owner=CSM_OWNER).get("/roi?period=2025-09")

    assert response.status_code == 200
    [(label, principal)] = asked
    assert label == "2025-09"
    assert principal is not None and principal.csm_owner == CSM_OWNER
    assert '<option value="2025-09" selected>' in response.text


def test_the_report_downloads_as_pdf_and_html(browser_for: BrowserFor, asked: Asked) -> None:
    client = browser_for(Role.ANALYST)

    pdf = client.get("/roi/report.pdf?period=2025-Q3")
    html = client.get("/roi/report.html?period=2025-Q3")

    assert pdf.headers["content-type"] == "application/pdf"
    assert 'filename="roi-report-2025-Q3.pdf"' in pdf.headers["content-disposition"]
    assert "Headline figures" in pdfium.PdfDocument(pdf.content)[0].get_textpage().get_text_range()
    assert html.status_code == 200
    assert words.saved_arr_sentence(quarter_summary()) in html.text


def test_a_bad_period_is_refused_in_words(browser_for: BrowserFor, asked: Asked) -> None:
    response = browser_for(Role.VIEWER).get("/roi?period=summer")

    assert response.status_code == 400
    assert "give a quarter such as 2025-Q3 or a month such as 2025-09" in response.text
    assert asked == []


def test_the_api_gives_the_summary_as_json(
    client_for: Callable[..., TestClient], asked: Asked
) -> None:
    body = client_for(Role.VIEWER).get("/api/roi", params={"period": "2025-Q3"}).json()

    assert body["saved_arr"] == {"estimate": 184_000, "low": 52_000, "high": 316_000, "level": 0.9}
    assert body["saved_arr_design"] == "randomised"
    assert body["period"]["label"] == "2025-Q3"
    assert [effect["name"] for effect in body["by_playbook"]] == [
        "Onboarding rescue",
        "Renewal early warning",
        "Executive check-in",
    ]
    assert len(body["revenue"]) == 6


def test_on_a_book_without_playbook_results_the_page_says_so(
    db_session: Session, browser_for: BrowserFor
) -> None:
    add_book(db_session)

    page = browser_for(Role.ANALYST).get("/roi?period=2025-Q1").text

    assert "Saved ARR: not measured yet" in page
    assert "No playbook has results yet" in page
    assert "How it was measured" not in page
    assert "January to March 2025" in page
