"""``/api/insights``: ranked churn risk and expansion, per horizon and persona, a CSM's own book."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cspersona.customers.models import Customer
from cspersona.personas.models import Persona, PersonaMapping
from cspersona.predict.models import ChurnScore, ExpansionScore
from tests.factories import add_book

# Churn probability at 90 days per customer; 30 days is a third of it.
RISK_90 = {
    "Acme Analytics": 0.2,
    "Birch Health": 0.6,
    "Cobalt Retail": 0.4,
    "Delta Freight": 0.1,
    "Echo Bank": 0.3,
}
DRIVER = {
    "column": "tickets_unresolved",
    "value": 3.0,
    "contribution": 0.8,
    "direction": "raises",
    "size": "strongly",
    "phrase": "3 unresolved tickets: strongly raises churn risk",
}
INTERVENTION = {
    "action": "escalation to engineering",
    "reason": "because 3 unresolved tickets",
    "drivers": ["tickets_unresolved"],
}


@pytest.fixture
def scored_book(db_session: Session) -> dict[str, Customer]:
    """The book with churn scores at 30 and 90 days, expansion scores, and two personas."""
    book = add_book(db_session)
    technical = Persona(version=1, name="Technical Expert")
    business = Persona(version=1, name="Business User")
    db_session.add_all([technical, business])
    db_session.flush()
    for name, customer in book.items():
        persona = technical if name in ("Birch Health", "Cobalt Retail") else business
        db_session.add(
            PersonaMapping(
                customer_id=customer.id,
                persona_id=persona.id,
                confidence_score=0.8,
                model_version="persona-v1",
            )
        )
        for horizon, probability in ((30, RISK_90[name] / 3), (90, RISK_90[name])):
            db_session.add(
                ChurnScore(
                    customer_id=customer.id,
                    horizon_days=horizon,
                    probability=probability,
                    drivers=[DRIVER],
                    interventions=[INTERVENTION] if probability >= 0.4 else [],
                    model_version="churn-v1",
                )
            )
        db_session.add(
            ExpansionScore(
                customer_id=customer.id,
                likelihood=1 - RISK_90[name],
                drivers=[],
                next_features=[{"feature": "webhooks", "score": 0.5}],
                timing={"when": "now", "reason": "promoter NPS 10 days ago"},
                model_version="expansion-v1",
            )
        )
    db_session.flush()
    return book


def names(page: dict[str, object]) -> list[str]:
    """Company names of a page's items, in order."""
    return [item["company_name"] for item in page["items"]]  # type: ignore[attr-defined, index]


def test_churn_risk_ranks_customers_riskiest_first(
    client: TestClient, scored_book: dict[str, Customer]
) -> None:
    """Default horizon 90 days; each item carries drivers, interventions and persona."""
    page = client.get("/api/insights/churn-risk").json()
    assert page["total"] == 5
    assert names(page) == sorted(RISK_90, key=lambda name: -RISK_90[name])
    top = page["items"][0]
    assert top["horizon_days"] == 90
    assert top["probability"] == pytest.approx(0.6)
    assert top["persona"] == "Technical Expert"
    assert top["drivers"][0]["phrase"].startswith("3 unresolved tickets")
    assert top["interventions"][0]["action"] == "escalation to engineering"


def test_churn_risk_filters_by_horizon_and_persona_and_pages(
    client: TestClient, scored_book: dict[str, Customer]
) -> None:
    """Another horizon, one persona, and one page at a time."""
    thirty = client.get("/api/insights/churn-risk", params={"horizon": 30}).json()
    assert {item["horizon_days"] for item in thirty["items"]} == {30}
    technical = client.get(
        "/api/insights/churn-risk", params={"persona": "Technical Expert"}
    ).json()
    assert names(technical) == ["Birch Health", "Cobalt Retail"]
    second = client.get("/api/insights/churn-risk", params={"limit": 2, "offset": 2}).json()
    assert (second["total"], names(second)) == (5, ["Echo Bank", "Acme Analytics"])
    assert client.get("/api/insights/churn-risk", params={"horizon": 45}).status_code == 422


def test_a_csm_sees_only_their_own_customers(
    csm_client: TestClient, scored_book: dict[str, Customer]
) -> None:
    """Dana Scully owns Acme and Birch: nobody else's scores show."""
    assert names(csm_client.get("/api/insights/churn-risk").json()) == [
        "Birch Health",
        "Acme Analytics",
    ]
    assert names(csm_client.get("/api/insights/expansion").json()) == [
        "Acme Analytics",
        "Birch Health",
    ]


def test_expansion_ranks_likeliest_first_with_next_features_and_timing(
    client: TestClient, scored_book: dict[str, Customer]
) -> None:
    """Likeliest first; next features and the timing advice come along."""
    page = client.get("/api/insights/expansion", params={"persona": "Business User"}).json()
    assert names(page) == ["Delta Freight", "Acme Analytics", "Echo Bank"]
    assert page["items"][0]["next_features"] == [{"feature": "webhooks", "score": 0.5}]
    assert page["items"][0]["timing"]["when"] == "now"


def test_no_scores_yet_is_an_empty_page(client: TestClient, db_session: Session) -> None:
    """Before any pipeline run the lists are empty, not an error."""
    add_book(db_session)
    assert client.get("/api/insights/churn-risk").json()["total"] == 0
