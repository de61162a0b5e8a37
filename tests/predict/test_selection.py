import numpy as np

from cspersona.predict.classifier import ChurnClassifier
from cspersona.predict.selection import choose, worst_gap
from tests.predict.factories import customer_table


def test_the_best_mean_wins_among_candidates_within_a_hundredth_of_the_baseline() -> None:
    scores = {
        "logistic": {"30d": 0.80, "90d": 0.90},
        "linear": {"30d": 0.80, "90d": 0.90},
        "blend": {"30d": 0.78, "90d": 0.99},  # best mean, but 0.02 behind at 30 days
        "spline": {"30d": 0.795, "90d": 0.93},
    }

    assert choose(scores, small_book=False) == "spline"


def test_the_baseline_is_served_when_no_candidate_matches_it_on_the_mean() -> None:
    trailing = {"logistic": {"churn": 0.85}, "linear": {"churn": 0.83}, "blend": {"churn": 0.80}}
    level = {"logistic": {"churn": 0.85}, "linear": {"churn": 0.85}}

    assert choose(trailing, small_book=False) == "logistic"
    assert choose(level, small_book=False) == "linear"


def test_a_small_book_keeps_the_linear_model_unless_another_is_clearly_ahead() -> None:
    close = {"logistic": {"churn": 0.805}, "linear": {"churn": 0.80}, "spline": {"churn": 0.805}}
    clear = {"logistic": {"churn": 0.80}, "linear": {"churn": 0.80}, "spline": {"churn": 0.83}}
    boosted = {**close, "boosted": {"churn": 0.95}}

    assert choose(close, small_book=True) == "linear"
    assert choose(clear, small_book=True) == "spline"
    assert choose(boosted, small_book=True) == "linear"  # trees never compete on small books


def test_targets_without_both_outcomes_are_ignored() -> None:
    gap = worst_gap({"30d": float("nan"), "90d": 0.9}, {"30d": 0.7, "90d": 0.85})

    assert abs(gap - 0.05) < 1e-12


def test_a_small_linear_table_gets_the_linear_model_with_its_figures_beside_the_baseline() -> None:
    table = customer_table(120, seed=3)
    churned = (table["churned"] == "Yes").to_numpy(dtype=int)

    model = ChurnClassifier(uncertainty="none").fit(table.drop(columns=["churned"]), churned)

    selection = model.summary_["selection"]
    assert model.small_book_ and model.learner_name_ == "linear"
    assert set(selection["candidates"]) == {"linear", "spline"}
    assert selection["baseline"]["model"] == "plain logistic regression"
    assert model.metrics_["churn"]["roc_auc"] == selection["candidates"]["linear"]["churn"]
    assert np.isfinite(selection["baseline"]["brier"]["churn"])
    assert 0.5 < selection["baseline"]["roc_auc"]["churn"] <= 1
