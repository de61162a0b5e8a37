"""The playbook flows in a real browser: an analyst writes and edits, a CSM starts and works a task.

Each test writes its own playbook through the editor (the live server's database is shared by the
session), so no test depends on another's order.
"""

import itertools
import re

from playwright.sync_api import Browser, Page, expect

from cspersona.auth.models import Role
from tests.web.browser import ConsoleWatch, screenshot
from tests.web.conftest import LiveServer
from tests.web.test_browser import log_in

_names = itertools.count(1)

BODY = "{{ greeting }}\nYour renewal is on {{ renewal_date }}; shall we talk?\n{{ sign_off }}"


def write_playbook(page: Page, server: LiveServer, name: str) -> None:
    """Fill the editor with a one-step e-mail playbook and save it; ends on its page."""
    page.goto(server.url + "/playbooks/new")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Objective").fill("Get the sponsor talking before the renewal")
    page.locator('input[name="step-0-title"]').fill("Write to the sponsor")
    page.locator('input[name="step-0-email-subject"]').fill("{{ company }} and your renewal")
    page.locator('textarea[name="step-0-email-body"]').fill(BODY)
    page.get_by_role("button", name="Create playbook").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)


def test_an_analyst_edits_a_step_and_sees_it_and_a_refusal_in_words(
    page: Page, live_server: LiveServer, console: ConsoleWatch
) -> None:
    name = f"Renewal outreach {next(_names)}"
    log_in(page, live_server, Role.ANALYST, path="/playbooks")
    write_playbook(page, live_server, name)
    expect(page.get_by_test_id("step")).to_have_count(1)

    page.get_by_role("link", name="Edit", exact=True).click()
    page.locator('input[name="step-0-title"]').fill("Call the sponsor first")
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_test_id("step").first).to_contain_text("Call the sponsor first")
    screenshot(page, "playbook")

    page.get_by_role("link", name="Edit", exact=True).click()
    console.expect(r"status of 400 \(Bad Request\).*/edit")
    page.locator('textarea[name="step-0-email-body"]').fill("{{ discount_code }}")
    page.get_by_role("button", name="Save changes").click()

    errors = page.get_by_test_id("form-errors")
    expect(errors).to_contain_text("Not saved.")
    expect(errors).to_contain_text("template uses unknown variable(s) discount_code")
    expect(page.locator('textarea[name="step-0-email-body"]')).to_have_value("{{ discount_code }}")
    screenshot(page, "playbook-editor-error")


def test_a_csm_starts_a_playbook_works_the_task_and_sees_it_leave_the_queue(
    page: Page, browser: Browser, live_server: LiveServer, console: ConsoleWatch
) -> None:
    name = f"Sponsor check-in {next(_names)}"
    analyst = browser.new_context()
    try:
        analyst_page = analyst.new_page()
        log_in(analyst_page, live_server, Role.ANALYST, path="/playbooks")
        write_playbook(analyst_page, live_server, name)
    finally:
        analyst.close()

    log_in(page, live_server, Role.CSM, path="/customers")
    page.get_by_role("link", name="Acme Analytics").click()
    page.get_by_label("Start a playbook").select_option(label=name)
    page.get_by_label("Why (optional)").fill("Sponsor went quiet")
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page.get_by_test_id("start-result")).to_contain_text(
        f"Acme Analytics entered “{name}”: 1 task created"
    )

    page.get_by_role("link", name="My tasks").click()
    row = page.locator("#task-table tbody tr", has_text=name)
    expect(row).to_have_count(1)
    screenshot(page, "my-tasks")
    row.get_by_role("link", name="Write to the sponsor").click()

    expect(page.get_by_test_id("why")).to_have_text(
        re.compile(r"^Started by hand by csm-\d+: Sponsor went quiet\.$")
    )
    message = page.get_by_test_id("message")
    expect(message).to_contain_text("Subject: Acme Analytics and your renewal")
    expect(message).to_contain_text("Your renewal is on 1 March 2026; shall we talk?")
    message.get_by_role("button", name="Copy").click()
    expect(message.locator(".copied")).not_to_be_empty()
    screenshot(page, "task")

    page.get_by_label("Outcome note").fill("Sponsor replied; call on Friday")
    page.get_by_role("button", name="Mark done").click()

    expect(page).to_have_url(re.compile(r"/tasks\?closed=\d+$"))
    expect(page.get_by_test_id("notice")).to_have_text(
        "“Write to the sponsor” for Acme Analytics is done."
    )
    expect(page.locator("#task-table tbody tr", has_text=name)).to_have_count(0)
