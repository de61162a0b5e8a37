"""The planted churn signal is learnable from observable data, but not trivially."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from cspersona.catalogue.models import load_catalogue
from cspersona.synth.evaluation import FEATURES, Snapshots, churn_snapshots, technical_term_rate
from cspersona.synth.world import World

CHURN_SEED = 31


@pytest.fixture(scope="module")
def snapshots() -> Snapshots:
    """Monthly point-in-time snapshots of a default-size world (250 customers)."""
    world = World(seed=CHURN_SEED, scale=1.0, catalogue=load_catalogue())
    return churn_snapshots(world.customers(), window=(world.window_start, world.window_end))


def cross_validated_auc(snapshots: Snapshots, names: tuple[str, ...]) -> float:
    """ROC-AUC of a plain logistic regression, five folds grouped by customer."""
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    scores = cross_val_predict(
        model,
        snapshots.matrix(names),
        snapshots.churned,
        groups=snapshots.customers,
        cv=GroupKFold(n_splits=5),
        method="predict_proba",
    )[:, 1]
    return float(roc_auc_score(snapshots.churned, scores))


def test_snapshots_cover_active_customers_with_enough_positives(snapshots: Snapshots) -> None:
    assert len(snapshots.churned) > 2000
    assert 0.02 < snapshots.churned.mean() < 0.15
    assert set(snapshots.features) == set(FEATURES)
    assert all(np.isfinite(column).all() for column in snapshots.features.values())


def test_usage_trend_alone_predicts_90_day_churn_but_not_trivially(snapshots: Snapshots) -> None:
    assert 0.65 <= cross_validated_auc(snapshots, ("usage_trend",)) <= 0.95


def test_the_other_signals_add_to_usage_trend(snapshots: Snapshots) -> None:
    usage_only = cross_validated_auc(snapshots, ("usage_trend",))
    every_signal = cross_validated_auc(snapshots, FEATURES)

    assert every_signal >= usage_only + 0.05


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["The OAuth token expires and the webhook payload fails"], 4 / 9),
        (["Our numbers stopped updating this morning"], 0.0),
        ([], 0.0),
    ],
)
def test_technical_term_rate_counts_engineering_words_per_word(
    texts: list[str], expected: float
) -> None:
    assert technical_term_rate(texts) == pytest.approx(expected)
