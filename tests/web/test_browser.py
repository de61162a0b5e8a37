"""The dashboard in a real browser (Debian's chromium through Playwright).

Every test fails on a console error it did not expect (the ``console`` fixture) and leaves
screenshots in test-artifacts/screenshots/.
"""

import re

from playwright.sync_api import Page, Route, expect

from cspersona.auth.models import Role
from tests.web.browser import TABLET, ConsoleWatch, screenshot
from tests.web.conftest import LiveServer

# The churn signals are computed when the page asks for them: seconds on a loaded CI machine.
SIGNALS_MS = 15_000


def log_in(page: Page, server: LiveServer, role: Role, path: str = "/customers") -> None:
    """Open ``path``, get sent to the login page, paste the role's key, land on ``path``."""
    page.goto(server.url + path)
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("API key").fill(server.keys[role])
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(server.url + path)


def column(page: Page, index: int) -> list[str]:
    """The texts of one column of the customer table, top to bottom."""
    return page.locator(f"#customer-table tbody tr td:nth-child({index})").all_inner_texts()


def test_logging_in_with_an_api_key_opens_the_customers(
    page: Page, live_server: LiveServer, console: ConsoleWatch
) -> None:
    page.goto(live_server.url + "/customers")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    screenshot(page, "login")

    log_in(page, live_server, Role.ANALYST)

    expect(page.get_by_test_id("user")).to_contain_text("analyst")
    expect(page.locator("#customer-table tbody tr")).to_have_count(25)
    expect(page.locator(".pagination .range")).to_have_text("1–25 of 35")
    screenshot(page, "customers")


def test_the_customer_list_sorts_filters_searches_and_pages(
    page: Page, live_server: LiveServer, console: ConsoleWatch
) -> None:
    log_in(page, live_server, Role.VIEWER)

    page.get_by_role("link", name="ARR").click()
    expect(page).to_have_url(re.compile(r"sort=arr&order=asc"))
    expect(page.locator("#customer-table tbody tr").first).to_contain_text("Zephyr 00")
    page.get_by_role("link", name="ARR").click()
    expect(page.locator("#customer-table tbody tr").first).to_contain_text("Delta Freight")
    assert page.locator("th[aria-sort='descending']").inner_text().startswith("ARR")

    page.get_by_label("Plan").select_option("Enterprise")
    expect(page.locator("#customer-table tbody tr")).to_have_count(2)
    assert column(page, 1) == ["Delta Freight", "Acme Analytics"], "sorting survives filtering"
    expect(page).to_have_url(re.compile(r"plan=Enterprise"))
    screenshot(page, "customers-filtered")

    page.get_by_role("link", name="Reset").click()
    page.get_by_label("Search").fill("zephyr 1")
    expect(page.locator("#customer-table tbody tr")).to_have_count(10)
    page.get_by_label("Search").fill("")
    page.get_by_label("CSM owner").select_option("Fox Mulder")
    expect(page.locator(".pagination .range")).to_have_text("1–25 of 32")
    page.get_by_role("link", name="Next").click()
    expect(page.locator(".pagination .range")).to_have_text("26–32 of 32")
    assert set(column(page, 7)) == {"Fox Mulder"}


def test_the_customer_list_sorts_by_status_persona_and_90_day_risk(
    page: Page, live_server: LiveServer, console: ConsoleWatch
) -> None:
    log_in(page, live_server, Role.VIEWER)
    first = page.locator("#customer-table tbody tr").first

    page.get_by_role("link", name="90-day risk").click()
    expect(page).to_have_url(re.compile(r"sort=risk_90d&order=asc"))
    expect(first).to_contain_text("Delta Freight")
    page.get_by_role("link", name="90-day risk").click()
    expect(first).to_contain_text("Cobalt Retail")
    assert column(page, 4)[:5] == ["85%", "55%", "40%", "20%", "5%"]
    assert page.locator("th[aria-sort='descending']").inner_text().startswith("90-day risk")

    page.get_by_role("link", name="Persona", exact=True).click()
    expect(page).to_have_url(re.compile(r"sort=persona&order=asc"))
    expect(first).to_contain_text("Budget Skeptics")
    page.get_by_role("link", name="Persona", exact=True).click()
    expect(first).to_contain_text("Power Users")
    assert column(page, 3)[:3] == ["Power Users", "Power Users", "Budget Skeptics"]
    page.get_by_role("link", name="Power Users").first.click()
    expect(page.get_by_role("heading", name="Power Users", level=1)).to_be_visible()
    page.go_back()

    page.get_by_role("link", name="Status", exact=True).click()
    expect(page).to_have_url(re.compile(r"sort=status&order=asc"))
    assert page.locator("th[aria-sort='ascending']").inner_text().startswith("Status")
    page.locator("select[name=status]").select_option("active")
    expect(page).to_have_url(re.compile(r"status=active"))
    assert set(column(page, 2)) == {"Active"}
    screenshot(page, "customers-by-status")


def test_a_csm_sees_only_their_customers(
    page: Page, live_server: LiveServer, console: ConsoleWatch
) -> None:
    log_in(page, live_server, Role.CSM)

    expect(page.locator("#customer-table tbody tr")).to_have_count(2)
    assert set(column(page, 7)) == {"Dana Scully"}
    assert page.get_by_label("CSM owner").locator("option").all_inner_texts() == [
        "All",
        "Dana Scully",
    ]
    screenshot(page, "customers-csm")

    console.expect(r"status of 404")
    response = page.goto(live_server.url + "/customers/4")  # Delta Freight: Fox Mulder's
    assert response is not None and response.status == 404
    expect(page.get_by_role("alert")).to_have_text("customer 4 does not exist")


def test_the_customer_page_draws_its_chart_and_loads_more_conversations(
    page: Page, live_server: LiveServer, console: ConsoleWatch
) -> None:
    log_in(page, live_server, Role.ADMIN)

    page.get_by_role("link", name="Acme Analytics").click()
    expect(page.get_by_role("heading", name="Acme Analytics")).to_be_visible()
    expect(page.get_by_test_id("contact-count")).to_have_text("4")
    expect(page.locator(".chart .main-svg").first).to_be_visible()
    rows = page.locator("#interaction-table tbody tr:not(.more-row)")
    expect(rows).to_have_count(20)
    expect(page.get_by_test_id("current-persona")).to_contain_text("Power Users")
    expect(page.locator("#persona-history tbody tr")).to_have_count(2)
    expect(page.locator("#customer-scores")).to_contain_text("Call the champion this week")
    expect(page.locator(".chart.js-plotly-plot")).to_have_count(2)
    expect(page.locator("#signals > li.signal")).to_have_count(5, timeout=SIGNALS_MS)
    screenshot(page, "customer")

    page.get_by_role("button", name=re.compile(r"Show more \(12 left\)")).click()
    expect(rows).to_have_count(32)
    expect(page.get_by_role("button", name=re.compile("Show more"))).to_have_count(0)


def test_pages_fit_a_tablet(page: Page, live_server: LiveServer, console: ConsoleWatch) -> None:
    page.set_viewport_size(TABLET)
    log_in(page, live_server, Role.ADMIN)

    for path, name in (
        ("/overview", "overview-tablet"),
        ("/personas", "persona-map-tablet"),
        ("/personas/2", "persona-tablet"),
        ("/risk", "risk-tablet"),
        ("/expansion", "expansion-tablet"),
        ("/customers", "customers-tablet"),
        ("/customers/1", "customer-tablet"),
        ("/persona-changes", "persona-changes-tablet"),
        ("/roi", "roi-tablet"),
    ):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow} px at tablet width"
        screenshot(page, name)


def test_logging_out_returns_to_the_login_page(
    page: Page, live_server: LiveServer, console: ConsoleWatch
) -> None:
    log_in(page, live_server, Role.VIEWER)

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(live_server.url + "/login")
    page.goto(live_server.url + "/customers")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fcustomers"))


def test_a_loading_state_shows_while_results_are_fetched(
    page: Page, live_server: LiveServer, console: ConsoleWatch
) -> None:
    log_in(page, live_server, Role.VIEWER)
    held: list[Route] = []

    def hold(route: Route) -> None:
        """Keep the first HTMX request waiting until the test lets it through."""
        if route.request.headers.get("hx-request") and not held:
            held.append(route)
            return
        route.continue_()

    page.route(re.compile(r"/customers\?"), hold)
    page.get_by_label("Plan").select_option("Growth")
    expect(page.locator("#loading-bar")).to_have_class(re.compile("htmx-request"))
    expect(page.locator("#results")).to_have_class(re.compile("htmx-request"))
    screenshot(page, "customers-loading")
    held[0].continue_()

    expect(page.locator("#customer-table tbody tr")).to_have_count(2)
    expect(page.locator("#loading-bar")).not_to_have_class(re.compile("htmx-request"))


def test_the_overview_draws_its_four_charts(
    page: Page, live_server: LiveServer, console: ConsoleWatch
) -> None:
    log_in(page, live_server, Role.ANALYST, path="/overview")

    expect(page.locator(".chart.js-plotly-plot")).to_have_count(4)
    expect(page.locator("#persona-sizes tbody tr")).to_have_count(2)
    expect(page.get_by_test_id("empty-state")).to_have_count(0)
    screenshot(page, "overview")

    page.get_by_role("link", name="30 days").click()
    expect(page).to_have_url(re.compile(r"horizon=30"))
    expect(page.locator(".chart.js-plotly-plot")).to_have_count(4)


def test_clicking_a_point_on_the_persona_map_opens_the_customer(
    page: Page, live_server: LiveServer, console: ConsoleWatch
) -> None:
    log_in(page, live_server, Role.ADMIN, path="/personas")
    chart = page.locator(".map .chart[data-ready]")
    expect(chart).to_be_visible()
    expect(page.locator(".scatterlayer .point")).to_have_count(5)
    screenshot(page, "persona-map")

    box = page.locator(".scatterlayer .trace").first.locator(".point").first.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.click(x, y)

    expect(page).to_have_url(re.compile(r"/customers/\d+$"))
    expect(page.get_by_test_id("current-persona")).to_be_visible()


def test_the_persona_page_shows_its_voice_and_members(
    page: Page, live_server: LiveServer, console: ConsoleWatch
) -> None:
    log_in(page, live_server, Role.VIEWER, path="/personas")

    page.get_by_role("link", name="Power Users").click()
    expect(page.get_by_role("heading", name="Power Users", exact=True)).to_be_visible()
    expect(page.locator(".narrative")).to_contain_text("Analysts who live in the product")
    expect(page.locator("section[aria-labelledby=quotes-heading] .quote")).to_have_count(1)
    expect(page.locator("#member-table tbody tr")).to_have_count(2)
    screenshot(page, "persona")


def test_a_persona_claim_shows_its_quote_and_opens_the_conversation(
    page: Page, live_server: LiveServer, console: ConsoleWatch
) -> None:
    log_in(page, live_server, Role.VIEWER, path="/personas")
    page.get_by_role("link", name="Power Users").click()

    expect(page.locator("#fidelity-table tbody tr")).to_have_count(3)
    expect(page.get_by_test_id("fidelity-summary")).to_contain_text("80% as well as")
    page.get_by_text("How this was computed").click()
    expect(page.get_by_text("the most common answer among the other members")).to_be_visible()
    claims = page.locator(".claim")
    expect(claims.first).to_contain_text("Exporting every report by hand")
    expect(page.locator(".no-evidence")).to_have_count(2)
    screenshot(page, "persona-claims")
    claims.first.get_by_role("link", name="open the conversation").click()

    expect(page.get_by_role("heading", name="Research interview")).to_be_visible()
    expect(page.locator(".turn:target")).to_contain_text("Exporting every report by hand")


def test_the_risk_table_sorts_and_filters(
    page: Page, live_server: LiveServer, console: ConsoleWatch
) -> None:
    log_in(page, live_server, Role.ANALYST, path="/risk")
    companies = page.locator("#risk-table tbody tr td:nth-child(1)")
    expect(companies.first).to_have_text("Cobalt Retail")
    expect(page.locator("#risk-table .intervention").first).to_contain_text("Call the champion")
    screenshot(page, "risk")

    page.get_by_role("link", name="ARR").click()
    expect(page).to_have_url(re.compile(r"sort=arr&order=asc"))
    page.get_by_role("link", name="ARR").click()
    expect(companies.first).to_have_text("Delta Freight")

    page.get_by_label("Persona").select_option("Budget Skeptics")
    expect(companies).to_have_count(3)
    expect(companies.first).to_have_text("Birch Health")  # still by ARR, highest first
    page.get_by_label("Horizon").select_option("30")
    expect(page).to_have_url(re.compile(r"horizon=30"))
    expect(page.locator("#risk-table tbody tr").first).to_contain_text("28%")
    screenshot(page, "risk-filtered")


def test_a_csm_finds_expansion_opportunities_in_their_book(
    page: Page, live_server: LiveServer, console: ConsoleWatch
) -> None:
    log_in(page, live_server, Role.CSM, path="/risk")
    page.get_by_role("link", name="Expansion").click()

    expect(page.get_by_role("heading", name="Expansion opportunities")).to_be_visible()
    companies = page.locator("#expansion-table tbody tr td:nth-child(1)")
    expect(companies).to_have_text(["Acme Analytics", "Birch Health"])  # Dana Scully's book
    first = page.locator("#expansion-table tbody tr").first
    expect(first).to_contain_text("41%")
    expect(first).to_contain_text("Webhooks")
    expect(first.locator(".timing")).to_contain_text("Wait")
    expect(first.locator(".timing")).to_contain_text("resolve it first")
    screenshot(page, "expansion")

    page.get_by_label("Persona").select_option("Budget Skeptics")
    expect(page).to_have_url(re.compile(r"persona=\d+"))
    expect(companies).to_have_text(["Birch Health"])


def test_a_csm_reads_their_books_persona_changes_and_the_customer_page_shows_them(
    page: Page, live_server: LiveServer, console: ConsoleWatch
) -> None:
    log_in(page, live_server, Role.CSM, path="/persona-changes")

    changes = page.get_by_test_id("persona-change")
    expect(changes).to_have_count(1)  # Acme's, not Fox Mulder's Delta Freight
    expect(changes).to_contain_text("Acme Analytics: Budget Skeptics → Power Users")
    expect(changes).to_contain_text(
        "45% of their messages negative; typically 10% for Budget Skeptics and 40% for Power Users"
    )
    expect(changes.locator(".strategy li").first).to_contain_text("Evidence: Lean on numbers")
    expect(page.get_by_role("link", name="Persona changes")).to_have_attribute(
        "aria-current", "page"
    )
    screenshot(page, "persona-changes-csm")

    changes.get_by_role("link", name="Acme Analytics").click()
    section = page.locator("#persona-changes")
    expect(section.get_by_role("heading", name="Persona changes")).to_be_visible()
    expect(section.get_by_test_id("persona-change")).to_contain_text(
        "Budget Skeptics → Power Users"
    )
    expect(section).to_contain_text("Power Users: data-driven")
    section.scroll_into_view_if_needed()
    screenshot(page, "customer-persona-changes")


def test_an_analyst_sees_every_books_persona_changes(
    page: Page, live_server: LiveServer, console: ConsoleWatch
) -> None:
    log_in(page, live_server, Role.ANALYST, path="/persona-changes")

    expect(page.get_by_test_id("persona-change")).to_have_count(2)
    expect(page.get_by_test_id("persona-change").first).to_contain_text("Delta Freight")


def test_a_csm_disagrees_with_a_persona_and_an_analyst_renames_it(
    page: Page, live_server: LiveServer, console: ConsoleWatch
) -> None:
    log_in(page, live_server, Role.CSM, path="/customers/1")  # Acme Analytics, Dana's

    # HTMX is at work once the signals are in.
    expect(page.locator("#signals > li.signal")).to_have_count(5, timeout=SIGNALS_MS)
    page.get_by_label("Comment (optional)").fill("They talk about audits now.")
    page.get_by_role("button", name="Disagree").click()

    expect(page.locator("#persona-feedback")).to_contain_text(
        'Thanks: you disagree that Acme Analytics is Power Users ("They talk about audits now.")'
    )
    expect(page.locator("#persona-feedback")).to_contain_text("CSM agreement 0% of 1 verdict")
    screenshot(page, "persona-feedback")

    page.context.clear_cookies()
    log_in(page, live_server, Role.ANALYST, path="/personas")
    page.get_by_role("link", name="Power Users").click()
    address = page.url
    expect(page.get_by_test_id("industry")).to_contain_text("compliance")
    try:
        page.get_by_label("Name").fill("Report Builders")
        page.get_by_role("button", name="Rename").click()

        expect(page.get_by_role("heading", name="Report Builders", level=1)).to_be_visible()
        expect(page.get_by_test_id("last-edit")).to_contain_text("Edited by analyst-")
        expect(page.locator("#edit-table")).to_contain_text(
            "renamed from “Power Users” to “Report Builders”"
        )
        screenshot(page, "persona-edited")
    finally:
        page.request.post(address + "/name", form={"name": "Power Users"})
