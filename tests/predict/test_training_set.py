"""Point-in-time training sets: cutoffs, who is alive, labels with censoring, no look-ahead."""

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy.orm import Session

from cspersona.analytics.history import History
from cspersona.customers.models import LifecycleEvent, LifecycleKind, UsageDaily
from cspersona.exceptions import BadInput
from cspersona.predict.training_set import (
    CENSORED,
    Lifelines,
    TrainingSet,
    alive_at,
    build_training_set,
    cutoff_dates,
    lifelines,
    outcome_after,
)
from tests.factories import add_customer

DAY0 = date(2025, 1, 1)
END = datetime(2025, 12, 31, tzinfo=UTC)


def at(days: int) -> datetime:
    """Midnight UTC ``days`` after DAY0."""
    return datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=days)


def add_usage(db_session: Session, customer_id: int, first: int, last: int) -> None:
    """One usage row per day from day ``first`` to ``last`` (after DAY0), inclusive."""
    db_session.add_all(
        UsageDaily(customer_id=customer_id, day=DAY0 + timedelta(days=day), active_users=day)
        for day in range(first, last + 1)
    )


@pytest.fixture
def book(db_session: Session) -> dict[str, int]:
    """Three customers from day 0: one churns at day 200, one at day 320, one stays to day 364."""
    ids = {}
    for name, churn_day in (("early", 200), ("late", 320), ("loyal", None)):
        customer = add_customer(db_session, name, contract_start=DAY0)
        add_usage(db_session, customer.id, 0, (churn_day or 365) - 1)
        if churn_day is not None:
            db_session.add(
                LifecycleEvent(
                    customer_id=customer.id, kind=LifecycleKind.CHURNED, at=at(churn_day)
                )
            )
        ids[name] = customer.id
    db_session.flush()
    return ids


def last_usage_features(history: History) -> pd.DataFrame:
    """A feature function in the analytics contract: the last active users the history knows."""
    last = history.usage.groupby("customer_id")["active_users"].last()
    return pd.DataFrame({"active_users_last": last})


def test_lifelines_know_starts_churns_and_the_end_of_the_data(
    db_session: Session, book: dict[str, int]
) -> None:
    """Starts from contracts, the first churn event, and the day after the last usage row."""
    lives = lifelines(db_session=db_session)
    assert lives.started_at[book["early"]] == at(0)
    assert lives.data_start == at(0)
    assert lives.churned_at == {book["early"]: at(200), book["late"]: at(320)}
    assert lives.data_end == at(365)


def test_cutoffs_leave_history_before_and_data_after() -> None:
    """Monthly cutoffs from 90 days after the data starts to one step before its end."""
    lives = Lifelines(started_at={1: at(-400)}, churned_at={}, data_start=at(0), data_end=at(365))
    cutoffs = cutoff_dates(lives)
    assert cutoffs[0] == at(90)
    assert all(b - a == timedelta(days=30) for a, b in zip(cutoffs, cutoffs[1:], strict=False))
    assert cutoffs[-1] <= at(335) < cutoffs[-1] + timedelta(days=30)


def test_only_started_and_not_yet_churned_customers_are_alive() -> None:
    """A customer is alive after its start and until its churn."""
    lives = Lifelines(
        started_at={1: at(0), 2: at(100), 3: at(0)},
        churned_at={3: at(50)},
        data_start=at(0),
        data_end=at(365),
    )
    assert alive_at(lives, at(60)) == [1]
    assert alive_at(lives, at(120)) == [1, 2]
    assert alive_at(lives, at(50)) == [1]


@pytest.mark.parametrize(
    ("churn_day", "cutoff_day", "expected"),
    [
        (200, 180, (20.0, 1)),  # churns 20 days after the cutoff
        (400, 180, (90.0, 0)),  # churns after the longest horizon: still a customer then
        (None, 180, (90.0, 0)),  # never churns, data long enough
        (None, 300, (65.0, 0)),  # data ends 65 days after the cutoff: censored there
    ],
)
def test_outcome_after_a_cutoff(
    churn_day: int | None, cutoff_day: int, expected: tuple[float, int]
) -> None:
    """Days to churn, or to the end of the data, capped at the longest horizon."""
    lives = Lifelines(
        started_at={1: at(0)},
        churned_at={} if churn_day is None else {1: at(churn_day)},
        data_start=at(0),
        data_end=at(365),
    )
    assert outcome_after(lives, 1, at(cutoff_day), 90) == expected


def test_labels_leave_out_what_we_cannot_know() -> None:
    """Censored before a horizon and not churned: CENSORED, never "stayed"."""
    training = TrainingSet(
        features=pd.DataFrame({"x": [0.0] * 4}),
        customer_ids=np.array([1, 2, 3, 4]),
        cutoffs=[at(0)] * 4,
        observed_days=np.array([20.0, 90.0, 65.0, 75.0]),
        churned=np.array([1, 0, 0, 1]),
        max_days=90,
    )
    assert training.labels(30).tolist() == [1, 0, 0, 0]
    assert training.labels(60).tolist() == [1, 0, 0, 0]
    assert training.labels(90).tolist() == [1, 0, CENSORED, 1]
    with pytest.raises(BadInput):
        training.labels(120)


def test_training_set_snapshots_alive_customers_with_features_from_before(
    db_session: Session, book: dict[str, int]
) -> None:
    """One row per alive customer and cutoff; the features never see the cutoff day or later."""
    training = build_training_set(db_session=db_session, features=last_usage_features)
    cutoffs = sorted(set(training.cutoffs))
    assert cutoffs == cutoff_dates(lifelines(db_session=db_session))
    for row, cutoff in enumerate(training.cutoffs):
        # active_users on day d is d: the last value before the cutoff is the day before it.
        assert training.features["active_users_last"].iloc[row] == (cutoff - at(0)).days - 1
    early = training.customer_ids == book["early"]
    assert max(np.array(training.cutoffs)[early]) < at(200)
    # The early churner's last snapshot before day 200 is labelled churned within 30 days.
    last_early = np.flatnonzero(early)[-1]
    assert training.churned[last_early] == 1
    assert training.observed_days[last_early] <= 30
    # The loyal customer's last cutoffs are censored at 90 days, not labelled "stayed".
    loyal = np.flatnonzero(training.customer_ids == book["loyal"])
    assert training.labels(90)[loyal[-1]] == CENSORED
    assert training.labels(90)[loyal[0]] == 0


def test_a_book_without_history_is_refused(db_session: Session) -> None:
    """Less data than one cutoff needs: a clear error."""
    customer = add_customer(db_session, "new", contract_start=DAY0)
    add_usage(db_session, customer.id, 0, 40)
    db_session.flush()
    with pytest.raises(BadInput, match="less than"):
        build_training_set(db_session=db_session, features=last_usage_features)
