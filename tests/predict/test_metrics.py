import math

import numpy as np
import pytest

from cspersona.predict.metrics import binary_metrics, calibration_error, mean_metrics


@pytest.mark.parametrize(
    ("y", "probability", "expected"),
    [
        ([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5], 0.0),  # right on average in one bin
        ([0, 0, 1, 1], [0.0, 0.0, 1.0, 1.0], 0.0),
        ([0, 0, 0, 0], [0.2, 0.2, 0.2, 0.2], 0.2),
        # two bins of two: predicted 0.1 vs observed 0.5, predicted 0.9 vs observed 0.5
        ([0, 1, 0, 1], [0.1, 0.1, 0.9, 0.9], 0.4),
    ],
)
def test_calibration_error_is_the_weighted_gap_per_bin(
    y: list[int], probability: list[float], expected: float
) -> None:
    assert calibration_error(np.array(y), np.array(probability), bins=2) == pytest.approx(expected)


def test_binary_metrics_of_a_perfect_ranking() -> None:
    metrics = binary_metrics(np.array([0, 0, 1, 1]), np.array([0.1, 0.2, 0.8, 0.9]))

    assert metrics["roc_auc"] == 1.0
    assert metrics["pr_auc"] == 1.0
    assert metrics["brier"] == pytest.approx((0.01 + 0.04 + 0.04 + 0.01) / 4)
    assert metrics["rows"] == 4
    assert metrics["churn_rate"] == 0.5


def test_ranking_metrics_are_undefined_with_one_class() -> None:
    metrics = binary_metrics(np.array([0, 0]), np.array([0.1, 0.2]))

    assert math.isnan(metrics["roc_auc"]) and math.isnan(metrics["pr_auc"])


def test_fold_metrics_are_averaged_and_rows_summed() -> None:
    folds = [
        {"roc_auc": 0.8, "brier": 0.1, "rows": 10},
        {"roc_auc": 0.9, "brier": 0.3, "rows": 12},
    ]

    averaged = mean_metrics(folds)

    assert averaged["roc_auc"] == pytest.approx(0.85)
    assert averaged["roc_auc_std"] == pytest.approx(0.05)
    assert averaged["brier"] == pytest.approx(0.2)
    assert averaged["rows"] == 22
