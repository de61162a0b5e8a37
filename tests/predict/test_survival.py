import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score

from cspersona.predict.calibration import UNLABELLED
from cspersona.predict.survival import (
    DiscreteTimeChurnModel,
    churn_within,
    cumulative_log_survival,
    landmarks,
    last_period,
    period_grid,
)
from tests.predict.factories import customer_table, true_hazard


def test_censored_customers_count_only_the_whole_periods_seen() -> None:
    periods = np.array([2.5, 2.5, 0.0, 0.0, 3.0])
    churned = np.array([0, 1, 0, 1, 1])

    assert last_period(periods, churned).tolist() == [2, 3, 0, 1, 3]


def test_period_grid_lists_each_customers_periods() -> None:
    customer, period = period_grid(np.array([0, 5]), np.array([2, 3]))

    assert customer.tolist() == [0, 0, 1, 1, 1]
    assert period.tolist() == [1, 2, 6, 7, 8]


def test_a_constant_hazard_gives_geometric_churn_within_any_horizon() -> None:
    hazard = np.full(6, 0.1)
    log_survival = cumulative_log_survival(hazard, np.zeros(6, dtype=int), 6)
    rows = np.zeros(3, dtype=int)

    probability = churn_within(log_survival, rows, np.array([0.0, 2.0, 0.5]), 2.0)

    np.testing.assert_allclose(probability, 1 - 0.9**2)
    half = churn_within(log_survival, rows[:1], np.array([0.0]), 0.5)
    np.testing.assert_allclose(half, 1 - 0.9**0.5)


def test_landmarks_never_call_a_censored_customer_retained_beyond_its_last_sighting() -> None:
    # Customer 0 was active at 2 periods and is still a customer; customer 1 churned at 2.
    customer, start, outcome = landmarks(np.array([2.0, 2.0]), np.array([0, 1]), horizon=1.0)

    known = set(zip(customer.tolist(), start.tolist(), outcome.tolist(), strict=True))
    # (0, 1.0) is absent: whether customer 0 churned by period 2's end is not known yet.
    assert known == {(0, 0.0, 0), (1, 0.0, 0), (1, 1.0, 1)}


@pytest.fixture(scope="module")
def fitted() -> tuple[DiscreteTimeChurnModel, pd.DataFrame, np.ndarray]:
    table = customer_table(500, seed=3)
    features = table.drop(columns=["churned", "tenure_months", "customer_id"])
    y = np.column_stack(
        [table["tenure_months"].to_numpy() * 30.0, (table["churned"] == "Yes").to_numpy()]
    )
    model = DiscreteTimeChurnModel(learner="spline", uncertainty="none").fit(features, y)
    return model, features, y


def test_training_rows_stop_where_knowledge_stops(
    fitted: tuple[DiscreteTimeChurnModel, pd.DataFrame, np.ndarray],
) -> None:
    model, features, y = fitted
    typed = model.schema_.transform(features.head(2))
    target = np.array([[2.5, 0.0], [2.0, 1.0]])

    rows, labels, groups = model._rows(typed, target, np.array([0, 1]))

    # 3 extra periods after each customer's last one are scored but never learned from.
    assert labels[groups == 0].tolist() == [0, 0, UNLABELLED, UNLABELLED, UNLABELLED]
    assert labels[groups == 1].tolist() == [0, 1, UNLABELLED, UNLABELLED, UNLABELLED]
    assert rows["(period)"][groups == 1].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_horizon_probabilities_rank_churners_on_held_out_customers(
    fitted: tuple[DiscreteTimeChurnModel, pd.DataFrame, np.ndarray],
) -> None:
    model, _, _ = fitted
    table = customer_table(400, seed=4)
    y = np.column_stack(
        [table["tenure_months"].to_numpy() * 30.0, (table["churned"] == "Yes").to_numpy()]
    )

    metrics = model.evaluate(table.drop(columns=["churned", "tenure_months"]), y)

    periods, churned = table["tenure_months"].to_numpy(float), y[:, 1].astype(int)
    customer, _, outcome = landmarks(periods, churned, horizon=3.0)
    oracle = roc_auc_score(outcome, 1 - (1 - true_hazard(table)[customer]) ** 3)
    assert set(metrics) == {"30d", "60d", "90d"}
    assert metrics["90d"]["roc_auc"] > oracle - 0.03
    assert metrics["90d"]["calibration_error"] < 0.03
    assert model.metrics_["90d"]["roc_auc"] > oracle - 0.05  # cross-fitted figures from fit


@settings(max_examples=25, deadline=None)
@given(
    elapsed=st.lists(st.floats(0, 1000, allow_nan=False), min_size=4, max_size=4),
    horizons=st.lists(st.integers(1, 400), min_size=2, max_size=5, unique=True),
)
def test_churn_probability_never_falls_as_the_horizon_grows(
    fitted: tuple[DiscreteTimeChurnModel, pd.DataFrame, np.ndarray],
    elapsed: list[float],
    horizons: list[int],
) -> None:
    model, features, _ = fitted

    prediction = model.predict_churn(
        features.head(4), horizons_days=sorted(horizons), elapsed_days=np.array(elapsed)
    )

    assert (np.diff(prediction.probability, axis=1) >= -1e-12).all()
    assert ((prediction.probability >= 0) & (prediction.probability <= 1)).all()


def test_predictions_are_named_per_horizon_and_condition_on_time_survived(
    fitted: tuple[DiscreteTimeChurnModel, pd.DataFrame, np.ndarray],
) -> None:
    model, features, _ = fitted

    new = model.predict_churn(features.head(50))
    loyal = model.predict_churn(features.head(50), elapsed_days=np.full(50, 600.0))

    assert new.columns == [f"churn_probability_{days}d" for days in (30, 60, 90)]
    # The synthetic hazard is constant in time, so survival so far should not change the risk
    # much; it must stay a probability of the next 30 days, not of the whole lifetime.
    assert abs(loyal.probability[:, 0].mean() - new.probability[:, 0].mean()) < 0.1


def test_accumulating_columns_are_flagged(
    fitted: tuple[DiscreteTimeChurnModel, pd.DataFrame, np.ndarray],
) -> None:
    model, features, y = fitted
    leaky = features.assign(total_spend=(y[:, 0] * 3.1).astype(str))

    refit = DiscreteTimeChurnModel(learner="linear", uncertainty="none").fit(leaky, y)

    assert set(refit.summary_["time_correlated_columns"]) == {"total_spend"}
    assert model.summary_["time_correlated_columns"] == {}
