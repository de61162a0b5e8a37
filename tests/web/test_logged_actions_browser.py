"""Logging an action from a customer's page in a real browser: the panel updates in place."""

from playwright.sync_api import Page, expect

from cspersona.auth.models import Role
from tests.web.browser import ConsoleWatch
from tests.web.conftest import LiveServer
from tests.web.test_browser import log_in


def test_a_csm_logs_a_call_and_sees_it_at_the_top_of_the_logged_actions(
    page: Page, live_server: LiveServer, console: ConsoleWatch
) -> None:
    log_in(page, live_server, Role.CSM, path="/customers")
    page.get_by_role("link", name="Birch Health").click()
    page.get_by_label("Kind").select_option(label="Call")
    page.get_by_label("Done on").fill("2025-03-03")
    page.get_by_label("Hours (optional)").fill("0.5")
    page.get_by_label("Note", exact=True).fill("Walked the sponsor through the renewal")
    page.get_by_role("button", name="Log", exact=True).click()

    expect(page.get_by_test_id("action-result")).to_have_text("Logged: call on 3 March 2025.")
    first = page.get_by_test_id("logged-actions").locator("li").first
    expect(first).to_contain_text("Call")
    expect(first).to_contain_text("2025-03-03")
    expect(first).to_contain_text("Walked the sponsor through the renewal")
    expect(page.get_by_role("heading", name="Logged actions")).to_be_visible()
