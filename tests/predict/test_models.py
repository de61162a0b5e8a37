from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cspersona.customers.models import Customer
from cspersona.predict.models import ChurnScore


def _customer(db_session: Session) -> Customer:
    customer = Customer(company_name="Acme")
    db_session.add(customer)
    db_session.flush()
    return customer


def test_a_churn_score_keeps_its_drivers_and_interval(db_session: Session) -> None:
    customer = _customer(db_session)
    drivers = [{"column": "tickets", "value": 7.0, "contribution": 0.8, "phrase": "tickets high"}]
    db_session.add(
        ChurnScore(
            customer_id=customer.id,
            horizon_days=90,
            probability=0.42,
            probability_low=0.3,
            probability_high=0.55,
            drivers=drivers,
            model_version="churn-v3",
            scored_at=datetime(2026, 1, 5, tzinfo=UTC),
        )
    )
    db_session.flush()
    db_session.expire_all()

    score = db_session.scalars(select(ChurnScore)).one()

    assert score.drivers == drivers
    assert (score.probability_low, score.probability_high) == (0.3, 0.55)
    assert score.scored_at == datetime(2026, 1, 5, tzinfo=UTC)


@pytest.mark.parametrize(("probability", "horizon"), [(1.5, 30), (-0.1, 30), (0.5, 0)])
def test_probabilities_and_horizons_are_checked(
    db_session: Session, probability: float, horizon: int
) -> None:
    customer = _customer(db_session)
    db_session.add(
        ChurnScore(
            customer_id=customer.id,
            horizon_days=horizon,
            probability=probability,
            model_version="churn-v1",
        )
    )

    with pytest.raises(IntegrityError):
        db_session.flush()
