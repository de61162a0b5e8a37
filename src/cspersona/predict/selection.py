"""Choosing the churn learner by cross-validation inside the training data.

Every candidate is scored on the same cross-fitting folds of the training rows and compared with
a plain logistic regression on the same features. The rule never looks at data outside the
table being fitted, so nothing is tuned to one dataset:

* a candidate may trail the baseline by at most :data:`TOLERANCE` ROC-AUC at any target
  (horizon); among those and the baseline itself, the best mean over targets wins, so the
  baseline is served when no candidate matches it on the mean;
* on small books only the linear models compete, and anything else (``spline`` or the
  baseline) must beat the regularised ``linear`` by :data:`SMALL_BOOK_MARGIN`: a
  cross-validated difference on a few dozen churners is mostly noise, and the regularised
  linear model is the safer bet.
"""

from collections.abc import Mapping, Sequence

import numpy as np

BASELINE = "logistic"
BASELINE_WORDS = "plain logistic regression"
CANDIDATES = ("linear", "spline", "boosted", "blend")
SMALL_BOOK_CANDIDATES = ("linear", "spline")
TOLERANCE = 0.01
SMALL_BOOK_MARGIN = 0.01

# Held-out ROC-AUC per learner and target (horizon), e.g. {"blend": {"30d": 0.88, ...}}.
Scores = Mapping[str, Mapping[str, float]]


def candidates(small_book: bool) -> Sequence[str]:
    """The learners that compete on a book of this size."""
    return SMALL_BOOK_CANDIDATES if small_book else CANDIDATES


def choose(scores: Scores, *, small_book: bool) -> str:
    """The learner to serve, from held-out ROC-AUC of the candidates and of :data:`BASELINE`."""
    baseline = scores[BASELINE]
    eligible = [
        name
        for name in candidates(small_book)
        if name in scores and worst_gap(scores[name], baseline) >= -TOLERANCE
    ]
    # The baseline competes last, so that it wins only when strictly ahead on the mean.
    best = max([*eligible, BASELINE], key=lambda name: mean_score(scores[name]))
    if small_book and best != "linear" and "linear" in eligible:
        ahead = mean_score(scores[best]) - mean_score(scores["linear"])
        return best if ahead >= SMALL_BOOK_MARGIN else "linear"
    return best


def mean_score(by_target: Mapping[str, float]) -> float:
    """Mean ROC-AUC over targets, ignoring targets without both outcomes (NaN)."""
    values = np.array(list(by_target.values()), dtype=np.float64)
    return float(np.nanmean(values)) if np.isfinite(values).any() else float("nan")


def worst_gap(by_target: Mapping[str, float], baseline: Mapping[str, float]) -> float:
    """The smallest ROC-AUC difference to the baseline over targets (0 when none is known)."""
    gaps = [
        by_target[target] - baseline[target]
        for target in baseline
        if np.isfinite(by_target.get(target, np.nan)) and np.isfinite(baseline[target])
    ]
    return float(min(gaps)) if gaps else 0.0
