"""The ROI page in a real browser: Plotly draws its three charts, the period chooser and downloads.

The figures are the example quarter's (the live server's seeded book has no finished effect
windows), so the charts have something to draw.
"""

import re
from dataclasses import replace
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from cspersona.auth.models import Role
from cspersona.auth.policy import Principal
from cspersona.reports import executive
from cspersona.roi.summary import Period, RoiSummary
from tests.roi.examples import quarter_summary
from tests.web.browser import ConsoleWatch, screenshot
from tests.web.conftest import LiveServer
from tests.web.test_browser import log_in

LOOK = Path("/tmp/roi-report")


@pytest.fixture
def example_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    """The served app answers every period with the example quarter's figures."""

    def summary_for(
        db_session: object, *, period: Period, settings: object, principal: Principal | None
    ) -> RoiSummary:
        return replace(quarter_summary(), period=period)

    monkeypatch.setattr(executive, "summary_for", summary_for)


def test_the_roi_page_draws_its_charts_and_switches_period(
    page: Page, live_server: LiveServer, console: ConsoleWatch, example_figures: None
) -> None:
    log_in(page, live_server, Role.VIEWER, path="/roi")

    expect(page.locator(".chart.js-plotly-plot")).to_have_count(3)
    expect(page.locator(".chart .main-svg").first).to_be_visible()
    expect(page.get_by_test_id("headline")).to_contain_text("Saved ARR: $184,000 (90% interval")
    expect(
        page.get_by_role("heading", name="What these numbers do and do not mean")
    ).to_be_visible()
    expect(page.locator(".chart .errorbar").first).to_be_attached()
    path = screenshot(page, "roi")
    if LOOK.is_dir():
        page.screenshot(path=str(LOOK / "page.png"), full_page=True)
    assert path.exists()

    choice = (
        page.get_by_role("combobox", name="Period").locator("option").nth(4).get_attribute("value")
    )
    assert choice is not None and re.fullmatch(r"\d{4}-\d{2}", choice), "months follow quarters"
    page.get_by_role("combobox", name="Period").select_option(choice)
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(rf"period={choice}"))
    expect(page.get_by_test_id("report-pdf")).to_have_attribute(
        "href", f"/roi/report.pdf?period={choice}"
    )
    with page.expect_download() as download:
        page.get_by_test_id("report-pdf").click()
    assert download.value.suggested_filename == f"roi-report-{choice}.pdf"
