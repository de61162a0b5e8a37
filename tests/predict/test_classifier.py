import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.metrics import roc_auc_score

from cspersona.exceptions import BadInput
from cspersona.predict.classifier import ChurnClassifier
from tests.predict.factories import customer_table


def _labelled(customers: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    table = customer_table(customers, seed=seed)
    features = table.drop(columns=["churned", "tenure_months"])
    return features, (table["churned"] == "Yes").to_numpy(dtype=int)


@pytest.fixture(scope="module")
def held_out() -> tuple[pd.DataFrame, np.ndarray]:
    return _labelled(1000, seed=99)


def test_a_book_of_thousands_gets_a_cross_validated_choice_and_calibrated_probabilities(
    held_out: tuple[pd.DataFrame, np.ndarray],
) -> None:
    features, churned = _labelled(1200, seed=5)

    model = ChurnClassifier().fit(features, churned)

    test_features, test_churned = held_out
    metrics = model.evaluate(test_features, test_churned)["churn"]
    selection = model.summary_["selection"]
    assert not model.small_book_
    assert set(selection["candidates"]) == {"linear", "spline", "boosted", "blend"}
    assert model.learner_name_ == selection["chosen"]
    chosen, baseline = selection["candidates"][model.learner_name_], selection["baseline"]
    assert chosen["churn"] >= baseline["roc_auc"]["churn"] - 0.01
    assert model.replicates_ == []
    assert metrics["roc_auc"] > 0.75
    assert metrics["calibration_error"] < 0.05
    assert model.summary_["skipped_columns"] == {
        "customer_id": "identifier-like (1200 distinct values)"
    }


def test_a_small_book_of_60_trains_a_simpler_model_with_wider_uncertainty(
    held_out: tuple[pd.DataFrame, np.ndarray],
) -> None:
    small_features, small_churned = _labelled(60, seed=6)
    large_features, large_churned = _labelled(400, seed=7)
    test_features, test_churned = held_out

    small = ChurnClassifier(n_bootstrap=30).fit(small_features, small_churned)
    large = ChurnClassifier(learner="linear", uncertainty="bootstrap", n_bootstrap=30).fit(
        large_features, large_churned
    )

    assert small.small_book_ and small.learner_name_ == "linear"
    assert "90% bootstrap intervals over 30 replicates" in small.summary_["uncertainty"]
    small_prediction = small.predict_churn(test_features)
    large_prediction = large.predict_churn(test_features)
    assert small_prediction.low is not None and small_prediction.high is not None
    assert large_prediction.low is not None and large_prediction.high is not None
    assert (small_prediction.low <= small_prediction.high).all()
    small_width = np.mean(small_prediction.high - small_prediction.low)
    large_width = np.mean(large_prediction.high - large_prediction.low)
    assert small_width > 1.5 * large_width
    # Still useful: it ranks customers it never saw.
    assert roc_auc_score(test_churned, small_prediction.probability[:, 0]) > 0.65


def test_the_model_is_a_scikit_learn_estimator() -> None:
    features, churned = _labelled(300, seed=8)
    model = ChurnClassifier(learner="spline", calibration="isotonic", cv=3)

    fitted = clone(model).fit(features, churned)

    assert clone(model).get_params() == model.get_params()
    assert fitted.predict_proba(features).shape == (300, 2)
    assert fitted.summary_["calibration"] == "isotonic"


@pytest.mark.parametrize(
    ("churned_count", "message"), [(1, "at least two churned"), (59, "at least two churned")]
)
def test_two_customers_of_each_kind_are_the_minimum(churned_count: int, message: str) -> None:
    features, _ = _labelled(60, seed=9)
    churned = np.zeros(60, dtype=int)
    churned[:churned_count] = 1

    with pytest.raises(BadInput, match=message):
        ChurnClassifier().fit(features, churned)


def test_horizons_are_refused_without_a_time_column() -> None:
    features, churned = _labelled(100, seed=10)
    model = ChurnClassifier(learner="linear", uncertainty="none").fit(features, churned)

    with pytest.raises(BadInput, match="trained without a time column"):
        model.predict_churn(features, horizons_days=[30])


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"learner": "forest"}, "unknown learner 'forest'"),
        ({"uncertainty": "x"}, "unknown uncertainty 'x'"),
        ({"calibration": "beta"}, "unknown calibration 'beta'"),
    ],
)
def test_unknown_options_are_bad_input(params: dict[str, str], message: str) -> None:
    features, churned = _labelled(100, seed=11)

    with pytest.raises(BadInput, match=message):
        ChurnClassifier(**params).fit(features, churned)
