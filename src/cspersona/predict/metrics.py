"""How good churn probabilities are: ranking (ROC-AUC, PR-AUC) and honesty (Brier, calibration)."""

import numpy as np
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

CALIBRATION_BINS = 10

Metrics = dict[str, float | int]


def calibration_error(
    y: np.ndarray, probability: np.ndarray, bins: int = CALIBRATION_BINS
) -> float:
    """Expected calibration error over equal-count bins of predicted probability.

    The mean gap between predicted and observed churn rate per bin, weighted by bin size. Bins hold
    equal numbers of rows, so the rare high-risk customers get bins of their own instead of
    sharing one with everybody.
    """
    order = np.argsort(probability, kind="stable")
    gaps = [
        abs(float(y[chunk].mean()) - float(probability[chunk].mean())) * len(chunk)
        for chunk in np.array_split(order, min(bins, len(order)))
        if len(chunk)
    ]
    return float(sum(gaps) / len(order))


def binary_metrics(y: np.ndarray, probability: np.ndarray) -> Metrics:
    """ROC-AUC, PR-AUC, Brier score and calibration error, with the count and churn rate."""
    both_classes = 0 < y.sum() < len(y)
    return {
        "roc_auc": float(roc_auc_score(y, probability)) if both_classes else float("nan"),
        "pr_auc": float(average_precision_score(y, probability)) if both_classes else float("nan"),
        "brier": float(brier_score_loss(y, probability)),
        "calibration_error": calibration_error(y, probability),
        "rows": len(y),
        "churn_rate": float(y.mean()),
    }


def mean_metrics(folds: list[Metrics]) -> Metrics:
    """Per-fold metrics averaged (rows summed), with the spread of ROC-AUC across folds."""
    averaged: Metrics = {
        name: float(np.nanmean([fold[name] for fold in folds])) for name in folds[0]
    }
    averaged["roc_auc_std"] = float(np.nanstd([fold["roc_auc"] for fold in folds]))
    averaged["rows"] = sum(int(fold["rows"]) for fold in folds)
    return averaged
