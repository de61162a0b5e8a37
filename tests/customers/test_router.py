from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cspersona.customers.models import Customer


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
