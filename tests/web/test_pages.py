from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cspersona.auth.models import Role
from cspersona.auth.sessions import COOKIE_NAME
from cspersona.customers.models import LifecycleEvent, LifecycleKind
from cspersona.personas.models import PersonaOutlook
from tests.conftest import CSM_OWNER, add_user_with_key
from tests.factories import (
    add_book,
    add_contacts,
    add_customer,
    add_interaction,
    add_nps,
    add_stage_results,
)

BrowserFor = Callable[..., TestClient]


def test_pages_send_a_visitor_without_a_session_to_the_login_page(
    browser_for: BrowserFor,
) -> None:
    visitor = browser_for(log_in=False)

    page = visitor.get("/customers", params={"plan": "Growth"})
    fragment = visitor.get("/customers", headers={"HX-Request": "true"})

    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=%2Fcustomers%3Fplan%3DGrowth"
    assert (fragment.status_code, fragment.headers["HX-Redirect"]) == (
        200,
        "/login?next=%2Fcustomers",
    )


def test_logging_in_sets_a_secure_http_only_session_cookie_and_returns_to_next(
    app: FastAPI, db_session: Session, browser_for: BrowserFor
) -> None:
    key = add_user_with_key(db_session, secret_key=app.state.settings.secret_key, role=Role.VIEWER)
    visitor = browser_for(log_in=False)

    form = visitor.get("/login", params={"next": "/customers?plan=Growth"})
    response = visitor.post(
        "/login", data={"api_key": f"  {key}\n", "next": "/customers?plan=Growth"}
    )

    assert 'name="api_key"' in form.text
    assert response.status_code == 303
    assert response.headers["location"] == "/customers?plan=Growth"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=")
    assert key not in cookie
    for attribute in ("HttpOnly", "Secure", "SameSite=lax", "Max-Age=43200", "Path=/"):
        assert attribute in cookie
    assert visitor.get("/customers").status_code == 200


def test_a_wrong_key_shows_the_form_again_with_the_reason(browser_for: BrowserFor) -> None:
    response = browser_for(log_in=False).post("/login", data={"api_key": "csp_wrong"})

    assert response.status_code == 401
    assert "invalid API key" in response.text
    assert COOKIE_NAME not in response.headers.get("set-cookie", "")


@pytest.mark.parametrize(
    ("target", "landing"),
    [
        ("/customers/3", "/customers/3"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ],
)
def test_login_only_returns_to_pages_of_this_site(
    app: FastAPI, db_session: Session, browser_for: BrowserFor, target: str, landing: str
) -> None:
    key = add_user_with_key(db_session, secret_key=app.state.settings.secret_key, role=Role.VIEWER)

    response = browser_for(log_in=False).post("/login", data={"api_key": key, "next": target})

    assert response.headers["location"] == landing


def test_a_forged_cookie_or_a_revoked_key_ends_the_session(
    client: TestClient, browser_for: BrowserFor
) -> None:
    forged = browser_for(log_in=False)
    forged.cookies.set(COOKIE_NAME, "1.99999999999.forged", domain="testserver")
    user = browser_for(Role.VIEWER)
    assert user.get("/customers").status_code == 200
    newest_key = client.get("/api/keys").json()["items"][-1]  # the viewer's

    client.post(f"/api/keys/{newest_key['id']}/revoke")

    assert forged.get("/customers").status_code == 303
    assert user.get("/customers").status_code == 303


def test_logging_out_forgets_the_cookie(browser_for: BrowserFor) -> None:
    user = browser_for(Role.VIEWER)

    response = user.post("/logout")

    assert (response.status_code, response.headers["location"]) == (303, "/login")
    assert user.get("/customers").status_code == 303


def test_the_customer_list_filters_sorts_and_pages(
    db_session: Session, browser_for: BrowserFor
) -> None:
    add_book(db_session)
    user = browser_for(Role.ANALYST)

    page = user.get("/customers")
    enterprise = user.get(
        "/customers",
        params={"plan": "Enterprise", "sort": "arr", "order": "desc"},
        headers={"HX-Request": "true"},
    )

    assert page.status_code == 200
    for name in ("Acme Analytics", "Echo Bank", "Fox Mulder", "Logistics"):
        assert name in page.text
    assert "<html" not in enterprise.text
    assert enterprise.text.index("Delta Freight") < enterprise.text.index("Acme Analytics")
    assert "Birch Health" not in enterprise.text
    assert 'id="sort-field" name="sort" value="arr" hx-swap-oob="true"' in enterprise.text
    assert "1–2 of 2" in enterprise.text


def test_a_csm_sees_only_their_book_and_a_404_page_for_others(
    db_session: Session, browser_for: BrowserFor
) -> None:
    book = add_book(db_session)
    csm = browser_for(Role.CSM, csm_owner=CSM_OWNER)

    listing = csm.get("/customers").text
    foreign = csm.get(f"/customers/{book['Delta Freight'].id}")

    assert "Acme Analytics" in listing and "Birch Health" in listing
    assert "Delta Freight" not in listing and "Echo Bank" not in listing
    assert foreign.status_code == 404
    assert f"customer {book['Delta Freight'].id} does not exist" in foreign.text
    assert csm.get(f"/customers/{book['Acme Analytics'].id}").status_code == 200
    assert csm.get(f"/customers/{book['Delta Freight'].id}/interactions").status_code == 404


def test_the_customer_page_shows_profile_counts_chart_and_conversations(
    db_session: Session, browser_for: BrowserFor
) -> None:
    acme = add_book(db_session)["Acme Analytics"]
    add_contacts(db_session, acme, 3)
    add_nps(db_session, acme, 9, 7)
    for day in range(1, 26):
        add_interaction(db_session, acme, subject=f"Ticket {day:02d}", messages=day % 4)
    user = browser_for(Role.VIEWER)

    page = user.get(f"/customers/{acme.id}").text
    more = user.get(f"/customers/{acme.id}/interactions", params={"page": 2}).text

    assert 'data-testid="contact-count">3<' in page
    assert 'data-testid="interaction-count">25<' in page
    assert "avg 8.0" in page and "$120,000" in page and "Dana Scully" in page
    assert 'class="chart"' in page and "/static/vendor/plotly.min.js" in page
    assert page.count("<td>Ticket") == 20
    assert "Show more (5 left)" in page
    assert more.count("<td>Ticket") == 5 and "Show more" not in more


def test_a_churned_customer_is_shown_as_churned_without_live_signals(
    db_session: Session, browser_for: BrowserFor
) -> None:
    acme = add_book(db_session)["Acme Analytics"]
    db_session.add(
        LifecycleEvent(
            customer_id=acme.id, kind=LifecycleKind.CHURNED, at=datetime(2025, 5, 2, tzinfo=UTC)
        )
    )
    db_session.flush()
    user = browser_for(Role.VIEWER)

    page = user.get(f"/customers/{acme.id}").text
    signals = user.get(f"/customers/{acme.id}/signals").text
    listing = user.get("/customers").text

    assert "Churned on 2025-05-02" in page
    assert "No live signals: this customer churned on 2025-05-02." in signals
    assert "Churned on 2025-05-02" in listing and "Active" in listing
    assert "2026-03-01" not in listing  # a churned customer has no renewal ahead


def test_bad_query_values_on_a_page_give_an_html_error(browser_for: BrowserFor) -> None:
    response = browser_for(Role.VIEWER).get("/customers", params={"sort": "password"})

    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "this page cannot show that: sort:" in response.text


def test_pages_forbid_inline_scripts_and_framing(browser_for: BrowserFor) -> None:
    headers = browser_for(Role.VIEWER).get("/customers").headers

    assert "script-src 'self';" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_the_home_page_leads_to_the_overview(browser_for: BrowserFor) -> None:
    response = browser_for(Role.VIEWER).get("/")

    assert (response.status_code, response.headers["location"]) == (303, "/overview")


def test_the_customer_page_shows_persona_history_risk_and_sentiment_timeline(
    db_session: Session, browser_for: BrowserFor
) -> None:
    book = add_book(db_session)
    add_stage_results(db_session, book)
    user = browser_for(Role.VIEWER)

    page = user.get(f"/customers/{book['Acme Analytics'].id}").text
    bare = user.get(f"/customers/{book['Acme Analytics'].id}")

    current = page[page.index('data-testid="current-persona"') :]
    assert current.index("Power Users") < current.index("confidence 90%")
    history = page[page.index('id="persona-history"') : page.index('id="signals-heading"')]
    assert history.index("persona-v2") < history.index("persona-v1")
    scores = page[page.index('id="customer-scores"') :]
    assert "30 days" in scores and "10%" in scores and "20%" in scores
    assert "sentiment falling for 60 days" in scores and "Call the champion this week" in scores
    assert "Mean sentiment of the customer&#39;s messages in each conversation" in page
    assert bare.status_code == 200


def test_the_customer_page_says_to_run_the_pipeline_before_it_ran(
    db_session: Session, browser_for: BrowserFor
) -> None:
    acme = add_book(db_session)["Acme Analytics"]

    page = browser_for(Role.VIEWER).get(f"/customers/{acme.id}").text

    assert page.count('data-testid="empty-state"') == 3
    assert "run the pipeline" in page


def test_the_customer_page_loads_its_churn_signals_after_the_page(
    db_session: Session, browser_for: BrowserFor
) -> None:
    book = add_book(db_session)
    add_stage_results(db_session, book)
    acme, delta = book["Acme Analytics"], book["Delta Freight"]
    user = browser_for(Role.VIEWER)

    page = user.get(f"/customers/{acme.id}").text
    signals = user.get(f"/customers/{acme.id}/signals", headers={"HX-Request": "true"}).text
    csm = browser_for(Role.CSM, csm_owner=CSM_OWNER)

    assert f'hx-get="/customers/{acme.id}/signals" hx-trigger="load"' in page
    assert "Loading signals…" in page
    assert signals.count('<li class="signal') == 5 and "<html" not in signals
    assert csm.get(f"/customers/{delta.id}/signals").status_code == 404


def test_a_customer_without_any_data_has_no_signals(
    db_session: Session, browser_for: BrowserFor
) -> None:
    bare = add_customer(db_session, "Fresh Start")

    fragment = browser_for(Role.VIEWER).get(f"/customers/{bare.id}/signals").text

    assert "No signals: this customer has no usage" in fragment


def test_an_unscored_customer_is_not_told_to_run_the_pipeline_once_it_ran(
    db_session: Session, browser_for: BrowserFor
) -> None:
    book = add_book(db_session)
    add_stage_results(db_session, book)
    newcomer = add_customer(db_session, "Newcomer")

    page = browser_for(Role.VIEWER).get(f"/customers/{newcomer.id}").text

    assert "Not scored: the churn model scores active customers" in page


def test_the_customer_page_says_where_the_persona_is_heading(
    db_session: Session, browser_for: BrowserFor
) -> None:
    book = add_book(db_session)
    personas = add_stage_results(db_session, book)
    acme = book["Acme Analytics"]
    for name, chance in (("Power Users", 0.3), ("Budget Skeptics", 0.65)):
        db_session.add(
            PersonaOutlook(
                customer_id=acme.id,
                persona_id=personas[name].id,
                probability=chance,
                horizon_days=90,
                learned=True,
                model_version="persona-v2",
            )
        )
    db_session.flush()

    page = browser_for(Role.VIEWER).get(f"/customers/{acme.id}").text
    birch = browser_for(Role.VIEWER).get(f"/customers/{book['Birch Health'].id}").text

    outlook = " ".join(page[page.index('data-testid="persona-outlook"') :].split())
    assert "In 90 days" in page
    assert "Likely to become" in outlook and "Budget Skeptics</a> (65%), moving on from" in outlook
    assert "(65%), moving on from Power Users. Next likeliest:" in outlook
    assert "Power Users</a> (30%)" in outlook
    assert "comparing how each behaved in their last 90 days with their whole history" in page
    assert 'data-testid="persona-outlook"' not in birch
