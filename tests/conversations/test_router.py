from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import add_customer, add_interaction


def test_a_customers_interactions_are_listed_with_message_counts(
    client: TestClient, db_session: Session
) -> None:
    customer = add_customer(db_session, "Acme")
    add_interaction(db_session, customer, messages=4, subject="Export fails")

    page = client.get(f"/api/customers/{customer.id}/interactions").json()

    assert page["total"] == 1
    (item,) = page["items"]
    assert (item["subject"], item["type"], item["message_count"]) == ("Export fails", "ticket", 4)
    assert item["started_at"] == "2025-01-06T09:00:00Z"


def test_interactions_of_an_unknown_customer_are_404(client: TestClient) -> None:
    response = client.get("/api/customers/999999/interactions")

    assert (response.status_code, response.json()) == (
        404,
        {"detail": "customer 999999 does not exist"},
    )
