from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cspersona.auth.models import Role
from tests.factories import add_book, add_book_with_stages, add_customer

BOOK = ["Acme Analytics", "Birch Health", "Cobalt Retail", "Delta Freight", "Echo Bank"]


def test_list_is_paginated_with_a_total(client: TestClient, db_session: Session) -> None:
    for index in range(5):
        add_customer(db_session, f"Company {index:02d}")

    page = client.get("/api/customers", params={"limit": 2, "offset": 2}).json()

    assert page["total"] == 5
    assert (page["limit"], page["offset"]) == (2, 2)
    assert [item["company_name"] for item in page["items"]] == ["Company 02", "Company 03"]


def test_page_size_is_bounded(client: TestClient) -> None:
    assert client.get("/api/customers", params={"limit": 0}).status_code == 422
    assert client.get("/api/customers", params={"limit": 501}).status_code == 422


def _names(client: TestClient, **params: object) -> list[str]:
    response = client.get("/api/customers", params=params)
    assert response.status_code == 200, response.text
    return [item["company_name"] for item in response.json()["items"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"plan": "Enterprise"}, ["Acme Analytics", "Delta Freight"]),
        ({"industry": "FinTech", "plan": "Growth"}, ["Echo Bank"]),
        ({"csm_owner": "Fox Mulder"}, ["Cobalt Retail", "Delta Freight"]),
        ({"q": "BANK"}, ["Echo Bank"]),
        ({"q": "%"}, []),
        ({"plan": "", "q": ""}, BOOK),
        (
            {"sort": "arr"},
            ["Cobalt Retail", "Birch Health", "Acme Analytics", "Delta Freight", "Echo Bank"],
        ),
        (
            {"sort": "arr", "order": "desc"},
            ["Delta Freight", "Acme Analytics", "Birch Health", "Cobalt Retail", "Echo Bank"],
        ),
        ({"sort": "renewal_date", "limit": 2}, ["Delta Freight", "Birch Health"]),
    ],
)
def test_lists_filter_and_sort_with_empty_values_last(
    client: TestClient, db_session: Session, params: dict[str, object], expected: list[str]
) -> None:
    add_book(db_session)

    assert _names(client, **params) == expected


def test_unknown_sort_columns_are_refused(client: TestClient) -> None:
    assert client.get("/api/customers", params={"sort": "password"}).status_code == 422


# Each book customer by initial. Status reads renewing soon (soonest first), active, churned;
# an empty persona or risk sorts last in both orders, ties by id.
SORTED = {
    ("status", "asc"): "DBAEC",
    ("status", "desc"): "CEABD",
    ("persona", "asc"): "CDABE",
    ("persona", "desc"): "ABCDE",
    ("risk_90d", "asc"): "BDACE",
    ("risk_90d", "desc"): "ADBCE",
}


@pytest.mark.parametrize(("sort", "order"), list(SORTED))
def test_status_persona_and_risk_sort_in_both_orders_across_pages(
    client: TestClient, db_session: Session, sort: str, order: str
) -> None:
    add_book_with_stages(db_session)

    pages = [_names(client, sort=sort, order=order, limit=2, offset=offset) for offset in (0, 2, 4)]

    assert [name for page in pages for name in page] == [
        next(name for name in BOOK if name[0] == initial) for initial in SORTED[sort, order]
    ]


def test_each_customer_carries_status_persona_and_90_day_risk(
    client: TestClient, db_session: Session
) -> None:
    book = add_book_with_stages(db_session)

    items = {item["company_name"]: item for item in client.get("/api/customers").json()["items"]}

    acme = items["Acme Analytics"]
    assert acme["persona"] == "Cost-Conscious Carlos" and acme["persona_id"] is not None
    assert (acme["risk_tier_90d"], acme["churn_probability_90d"]) == ("high", 0.30)
    assert acme["status"]["status"] == "active" and acme["status"]["as_of"] == "2025-10-31"
    # The 30-day score is not the list's: Birch Health reads its 90-day one.
    assert items["Birch Health"]["risk_tier_90d"] == "normal"
    assert items["Delta Freight"]["status"]["renewal_in_days"] == 31
    cobalt = items["Cobalt Retail"]
    assert cobalt["status"] == {
        "status": "churned",
        "churned_on": "2025-09-12",
        "renewal_in_days": None,
        "as_of": "2025-10-31",
    }
    assert (cobalt["risk_tier_90d"], cobalt["churn_probability_90d"]) == (None, None)
    assert items["Echo Bank"]["persona"] is None and items["Echo Bank"]["risk_tier_90d"] is None
    assert items["Echo Bank"]["id"] == book["Echo Bank"].id


def test_filters_by_status_persona_and_tier(client: TestClient, db_session: Session) -> None:
    add_book_with_stages(db_session)
    carlos = next(
        item["persona_id"]
        for item in client.get("/api/customers").json()["items"]
        if item["persona"] == "Cost-Conscious Carlos"
    )

    assert _names(client, status="churned") == ["Cobalt Retail"]
    assert _names(client, status="renewing soon") == ["Delta Freight"]
    assert _names(client, status="active", persona_id=carlos) == ["Acme Analytics", "Birch Health"]
    assert _names(client, risk_tier="high") == ["Acme Analytics"]
    assert _names(client, status="", persona_id="", risk_tier="") == BOOK
    assert client.get("/api/customers", params={"risk_tier": "extreme"}).status_code == 422
    assert client.get("/api/customers", params={"persona_id": 0}).status_code == 422


def test_a_csm_sorts_only_their_own_book(
    client_for: Callable[..., TestClient], db_session: Session
) -> None:
    add_book_with_stages(db_session)
    csm = client_for(Role.CSM, csm_owner="Fox Mulder")

    assert _names(csm, sort="risk_90d", order="desc") == ["Delta Freight", "Cobalt Retail"]
