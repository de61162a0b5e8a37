from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import add_customer


def test_read_one_customer(client: TestClient, db_session: Session) -> None:
    customer = add_customer(db_session, "Company 00", industry="FinTech")

    body = client.get(f"/api/customers/{customer.id}").json()

    assert body["company_name"] == "Company 00"
    assert body["industry"] == "FinTech"


def test_unknown_customer_is_404_with_a_message(client: TestClient) -> None:
    response = client.get("/api/customers/999999")

    assert response.status_code == 404
    assert response.json() == {"detail": "customer 999999 does not exist"}
