import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cspersona.customers.models import Customer
from tests.factories import add_book

BOOK = ["Acme Analytics", "Birch Health", "Cobalt Retail", "Delta Freight", "Echo Bank"]


def _add_customers(db_session: Session, count: int) -> list[Customer]:
    customers = [
        Customer(company_name=f"Company {index:02d}", industry="FinTech", arr=1000.0 * index)
        for index in range(count)
    ]
    db_session.add_all(customers)
    db_session.flush()
    return customers


def test_list_is_paginated_with_a_total(client: TestClient, db_session: Session) -> None:
    _add_customers(db_session, 5)

    page = client.get("/api/customers", params={"limit": 2, "offset": 2}).json()

    assert page["total"] == 5
    assert (page["limit"], page["offset"]) == (2, 2)
    assert [item["company_name"] for item in page["items"]] == ["Company 02", "Company 03"]


def test_page_size_is_bounded(client: TestClient) -> None:
    assert client.get("/api/customers", params={"limit": 0}).status_code == 422
    assert client.get("/api/customers", params={"limit": 501}).status_code == 422


def test_read_one_customer(client: TestClient, db_session: Session) -> None:
    customer = _add_customers(db_session, 1)[0]

    body = client.get(f"/api/customers/{customer.id}").json()

    assert body["company_name"] == "Company 00"
    assert body["industry"] == "FinTech"


def test_unknown_customer_is_404_with_a_message(client: TestClient) -> None:
    response = client.get("/api/customers/999999")

    assert response.status_code == 404
    assert response.json() == {"detail": "customer 999999 does not exist"}


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
