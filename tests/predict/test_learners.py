import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.metrics import roc_auc_score

from cspersona.predict.learners import LEARNERS, LogOddsClassifier, make_learner
from cspersona.predict.table_columns import TableSchema
from tests.predict.factories import customer_table


@pytest.fixture(scope="module")
def training() -> tuple[pd.DataFrame, np.ndarray]:
    table = customer_table(600, seed=1)
    typed = TableSchema().fit_transform(table.drop(columns=["churned", "tenure_months"]))
    return typed, (table["churned"] == "Yes").to_numpy(dtype=int)


@pytest.mark.parametrize("name", LEARNERS)
def test_contributions_add_up_to_the_score(
    name: str, training: tuple[pd.DataFrame, np.ndarray]
) -> None:
    frame, churned = training
    learner = make_learner(name, rounds=50).fit(frame, churned)

    # Scores are a constant (the average customer) plus one contribution per column.
    offset = learner.decision_function(frame) - learner.contributions(frame).sum(axis=1)

    np.testing.assert_allclose(offset, offset[0], atol=1e-6)
    assert learner.sources_ == list(frame.columns)


@pytest.mark.parametrize("name", ["linear", "spline", "boosted"])
def test_every_encoded_feature_belongs_to_exactly_one_column(
    name: str, training: tuple[pd.DataFrame, np.ndarray]
) -> None:
    frame, churned = training
    learner = make_learner(name, rounds=10).fit(frame, churned)
    plan = learner.sources_.index("plan")

    assert (learner.membership_.sum(axis=1) == 1).all()
    assert learner.membership_[:, plan].sum() == frame["plan"].nunique()


@pytest.mark.parametrize("name", LEARNERS)
def test_learners_find_the_risk_factors(
    name: str, training: tuple[pd.DataFrame, np.ndarray]
) -> None:
    frame, churned = training
    learner = make_learner(name, rounds=50).fit(frame, churned)
    contributions = pd.DataFrame(learner.contributions(frame), columns=learner.sources_)

    monthly = frame["contract"] == "monthly"
    assert contributions["contract"][monthly].mean() > 0
    assert contributions["contract"][~monthly].mean() < 0
    assert roc_auc_score(churned, learner.decision_function(frame)) > 0.7


def test_probabilities_follow_the_scores(training: tuple[pd.DataFrame, np.ndarray]) -> None:
    frame, churned = training
    learner: LogOddsClassifier = clone(make_learner("linear")).fit(frame, churned)

    probability = learner.predict_proba(frame)

    np.testing.assert_allclose(probability.sum(axis=1), 1.0)
    assert (learner.predict(frame) == (probability[:, 1] > 0.5)).all()


def test_unseen_categories_and_missing_numbers_are_scored(
    training: tuple[pd.DataFrame, np.ndarray],
) -> None:
    frame, churned = training
    learner = make_learner("blend", rounds=50).fit(frame, churned)
    odd = frame.head(2).copy()
    odd["plan"] = "never-seen"
    odd["seats"] = np.nan

    assert np.isfinite(learner.decision_function(odd)).all()


def test_an_unknown_learner_is_named() -> None:
    with pytest.raises(ValueError, match="unknown learner 'forest'"):
        make_learner("forest")


@pytest.mark.parametrize("name", LEARNERS)
def test_a_known_direction_holds_even_against_the_data(
    name: str, training: tuple[pd.DataFrame, np.ndarray]
) -> None:
    """More seats lower churn in this table; told they raise it, no learner may say otherwise."""
    frame, churned = training
    directions = {"seats": 1, "tickets": 1}
    learner = make_learner(name, rounds=50, directions=directions).fit(frame, churned)
    rows = frame.head(20)
    scores = [
        learner.decision_function(rows.assign(seats=float(seats))) for seats in (5, 50, 120, 200)
    ]
    seats = learner.sources_.index("seats")
    contributions = np.column_stack(
        [learner.contributions(rows.assign(seats=float(s)))[:, seats] for s in (5, 50, 120, 200)]
    )

    assert (np.diff(np.column_stack(scores), axis=1) >= -1e-9).all()
    assert (np.diff(contributions, axis=1) >= -1e-9).all()
    # The direction the data agrees with is still learned.
    tickets = pd.DataFrame(learner.contributions(frame), columns=learner.sources_)["tickets"]
    assert np.corrcoef(tickets, frame["tickets"].fillna(frame["tickets"].median()))[0, 1] > 0.5
