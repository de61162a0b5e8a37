"""The shared churn and expansion rankings: per caller, sorted, and new runs seen at once."""

from datetime import timedelta

import pytest
from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from cspersona.customers.models import Customer
from cspersona.db.types import utc_now
from cspersona.personas.models import Persona
from cspersona.predict import insights
from cspersona.predict.models import ChurnScore, ExpansionScore
from cspersona.predict.schemas import RiskSort
from tests.factories import ADMIN, CSM, START, add_book, add_stage_results, map_customer


@pytest.fixture
def book(db_session: Session) -> dict[str, Customer]:
    return add_book(db_session)


@pytest.fixture
def personas(db_session: Session, book: dict[str, Customer]) -> dict[str, Persona]:
    return add_stage_results(db_session, book)


def names(rows: list[insights.ChurnRiskRead] | list[insights.ExpansionRead]) -> list[str]:
    return [row.company_name for row in rows]


def test_churn_risk_sorts_filters_by_persona_and_pages(
    db_session: Session, personas: dict[str, Persona]
) -> None:
    rows, total = insights.churn_risk(
        db_session=db_session, visible_to=ADMIN, horizon_days=90, limit=3
    )
    skeptics, _ = insights.churn_risk(
        db_session=db_session,
        visible_to=ADMIN,
        horizon_days=90,
        persona_id=personas["Budget Skeptics"].id,
        sort=RiskSort.ARR,
        descending=False,
        limit=10,
    )
    by_name, _ = insights.churn_risk(
        db_session=db_session,
        visible_to=ADMIN,
        horizon_days=90,
        sort=RiskSort.COMPANY_NAME,
        limit=2,
        offset=1,
    )
    short, _ = insights.churn_risk(db_session=db_session, visible_to=CSM, horizon_days=30, limit=10)

    assert total == 5
    assert names(rows) == ["Cobalt Retail", "Birch Health", "Echo Bank"]
    assert (rows[0].persona, rows[0].persona_id) == (
        "Budget Skeptics",
        personas["Budget Skeptics"].id,
    )
    assert rows[0].drivers[0].phrase == "sentiment falling for 60 days"
    assert rows[0].interventions[0].action == "Call the champion this week"
    # Echo Bank has no ARR: last whichever the direction.
    assert names(skeptics) == ["Cobalt Retail", "Birch Health", "Echo Bank"]
    assert names(by_name) == ["Delta Freight", "Cobalt Retail"]
    assert [(row.company_name, row.probability) for row in short] == [
        ("Birch Health", 0.275),
        ("Acme Analytics", 0.1),
    ]


def test_a_new_scoring_run_is_ranked_at_once(
    db_session: Session, book: dict[str, Customer], personas: dict[str, Persona]
) -> None:
    before, _ = insights.churn_risk(
        db_session=db_session, visible_to=ADMIN, horizon_days=90, limit=1
    )

    # As the churn stage rescores: every row replaced, so SQLite hands out the same ids again.
    db_session.execute(delete(ChurnScore))
    db_session.execute(
        insert(ChurnScore),
        [
            {
                "customer_id": customer.id,
                "horizon_days": horizon,
                "probability": 0.9 if name == "Delta Freight" else 0.1,
                "model_version": "churn-test-2",
                "scored_at": utc_now(),
            }
            for name, customer in book.items()
            for horizon in (90, 30)
        ],
    )
    after, total = insights.churn_risk(
        db_session=db_session, visible_to=ADMIN, horizon_days=90, limit=1
    )

    assert names(before) == ["Cobalt Retail"]
    assert (names(after), after[0].model_version, total) == (["Delta Freight"], "churn-test-2", 5)


def test_a_new_persona_run_moves_customers_between_personas_in_the_ranking(
    db_session: Session, book: dict[str, Customer], personas: dict[str, Persona]
) -> None:
    power = personas["Power Users"]
    before, _ = insights.churn_risk(
        db_session=db_session, visible_to=ADMIN, horizon_days=90, persona=power.name
    )

    power.version = 3  # as a refit does: the persona row updated, new mappings inserted
    map_customer(
        db_session, book["Cobalt Retail"], power, 0.7, assigned_at=START + timedelta(days=90)
    )
    after, _ = insights.churn_risk(
        db_session=db_session, visible_to=ADMIN, horizon_days=90, persona=power.name
    )

    assert names(before) == ["Acme Analytics", "Delta Freight"]
    assert names(after) == ["Cobalt Retail", "Acme Analytics", "Delta Freight"]


def test_expansion_ranks_the_callers_book_and_sees_a_new_run(
    db_session: Session, book: dict[str, Customer], personas: dict[str, Persona]
) -> None:
    def score(likelihoods: dict[str, float]) -> None:
        db_session.execute(delete(ExpansionScore))
        db_session.execute(
            insert(ExpansionScore),
            [
                {
                    "customer_id": book[name].id,
                    "likelihood": likelihood,
                    "timing": {"when": "now", "reason": "healthy"},
                    "model_version": "expansion-test",
                    "scored_at": utc_now(),
                }
                for name, likelihood in likelihoods.items()
            ],
        )

    score({"Acme Analytics": 0.7, "Birch Health": 0.2, "Delta Freight": 0.5})
    first, _ = insights.expansion(db_session=db_session, visible_to=ADMIN)
    dana, dana_total = insights.expansion(db_session=db_session, visible_to=CSM)
    score({"Acme Analytics": 0.1, "Birch Health": 0.8, "Delta Freight": 0.5})
    second, _ = insights.expansion(db_session=db_session, visible_to=ADMIN)

    assert names(first) == ["Acme Analytics", "Delta Freight", "Birch Health"]
    assert (names(dana), dana_total) == (["Acme Analytics", "Birch Health"], 2)
    assert names(second) == ["Birch Health", "Delta Freight", "Acme Analytics"]
