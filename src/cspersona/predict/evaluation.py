"""Cross-validation over customers: every customer scored by a model that never saw it."""

from collections.abc import Callable

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold

from cspersona.exceptions import BadInput
from cspersona.predict.estimator import ChurnEstimator
from cspersona.predict.metrics import Metrics, mean_metrics


def cross_validate(
    estimator: ChurnEstimator,
    frame: pd.DataFrame,
    y: np.ndarray,
    churned: np.ndarray,
    *,
    folds: int = 5,
    random_state: int = 0,
    on_fold: Callable[[], None] | None = None,
) -> dict[str, Metrics]:
    """Metrics per target averaged over stratified folds of customers.

    Each fold refits the whole model, calibration included, on the other folds; bootstrap
    intervals are skipped, since they do not change the probabilities.
    """
    rarer_class = int(min(churned.sum(), len(churned) - churned.sum()))
    if folds < 2 or folds > rarer_class:
        raise BadInput(
            f"--cv {folds}: use between 2 and {rarer_class} folds "
            f"(the rarer class has {rarer_class} customers)"
        )
    splitter = StratifiedKFold(folds, shuffle=True, random_state=random_state)
    results = []
    for train, test in splitter.split(np.empty((len(churned), 0)), churned):
        model = clone(estimator).set_params(uncertainty="none")
        model.fit(frame.iloc[train], y[train])
        results.append(model.evaluate(frame.iloc[test], y[test]))
        if on_fold is not None:
            on_fold()
    return {target: mean_metrics([fold[target] for fold in results]) for target in results[0]}
