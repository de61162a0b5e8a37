"""The product's churn model: trained on the database's own customers, scored into churn_scores.

The model is the same discrete-time survival model as for bring-your-own tables, fitted on
point-in-time snapshots (see :mod:`cspersona.predict.training_set`): each (customer, cutoff) row
holds the analytics features as they were at the cutoff, and its time to churn or censoring after
it. A snapshot's periods are the 30-day periods after its cutoff, so p30 <= p60 <= p90 holds for
every customer by construction, and cross-fitted calibration keeps each real customer's snapshots
in one fold.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedGroupKFold

from cspersona.analytics import glossary
from cspersona.exceptions import BadInput
from cspersona.predict.artifact import ChurnModelFile
from cspersona.predict.estimator import default_learner
from cspersona.predict.metrics import Metrics, binary_metrics
from cspersona.predict.survival import DiscreteTimeChurnModel, churn_within, horizon_name
from cspersona.predict.table import TimeUnit
from cspersona.predict.training_set import CENSORED, TrainingSet

PRODUCT_TRAINED_ON = "database"
PRODUCT_LABEL = "lifecycle_events churned"
PRODUCT_TIME = "days after cutoff"
CUSTOMER_ID = "customer_id"
# Bootstrap replicates of the product model: 50 took 55 s more CPU on the demo world (250
# customers), 20 keep the churn stage within about 20 s of its time without intervals.
PRODUCT_REPLICATES = 20


class SnapshotChurnModel(DiscreteTimeChurnModel):
    """The horizon model on (customer, cutoff) snapshots, measured at each snapshot's cutoff.

    Each row's time runs from its cutoff, so the only landmark that matters is the cutoff
    itself: cross-fitted metrics ask, per horizon, whether the customer churned within it after
    the cutoff, leaving out snapshots censored before the horizon ends.
    """

    def _landmark_metrics(
        self, log_survival: np.ndarray, periods: np.ndarray, churned: np.ndarray
    ) -> dict[str, Metrics]:
        metrics = {}
        for horizon_days in self.horizons_days:
            horizon = horizon_days / self.period_days
            churned_in_time = (churned == 1) & (periods <= horizon)
            known = np.flatnonzero(churned_in_time | (periods >= horizon))
            probability = churn_within(log_survival, known, np.zeros(len(known)), horizon)
            metrics[horizon_name(horizon_days)] = binary_metrics(
                churned_in_time[known].astype(np.int64), probability
            )
        return metrics


def fit_product_model(
    training: TrainingSet,
    *,
    learner: str = "auto",
    calibration: str = "sigmoid",
    columns: Sequence[str] | None = None,
    uncertainty: str = "auto",
) -> ChurnModelFile:
    """Fit the horizon model on snapshots; ``columns`` restricts the features (baselines).

    ``auto`` chooses the learner by churned *customers*, not snapshots: a customer churns once
    but appears in up to three churned snapshots. On the synthetic world (60 churned customers,
    177 churned snapshots) ``linear`` ranked best on held-out customers (docs/churn.md). The
    same count decides the bootstrap intervals, which resample whole customers. Features whose
    effect common sense knows (the glossary's ``risk_direction``) are held to that direction.
    """
    churned_customers = len(np.unique(training.customer_ids[training.churned == 1]))
    retained_customers = len(np.unique(training.customer_ids)) - churned_customers
    if min(churned_customers, retained_customers) < 2:  # calibration's folds need two of each
        raise BadInput(
            f"{churned_customers} churned and {retained_customers} retained customers: "
            "a churn model needs at least two of each"
        )
    frame = training.features if columns is None else training.features[list(columns)]
    estimator = SnapshotChurnModel(
        learner=default_learner(churned_customers) if learner == "auto" else learner,
        calibration=calibration,
        uncertainty=uncertainty,
        n_bootstrap=PRODUCT_REPLICATES,
        directions=known_directions(frame.columns),
    )
    estimator.fit(frame, training.target, groups=training.customer_ids)
    estimator.summary_.update(
        {
            "snapshots": len(training.churned),
            "distinct_customers": len(np.unique(training.customer_ids)),
            "churned_customers": churned_customers,
            "cutoffs": len(set(training.cutoffs)),
            "first_cutoff": min(training.cutoffs).isoformat(),
            "last_cutoff": max(training.cutoffs).isoformat(),
        }
    )
    return ChurnModelFile(
        estimator=estimator,
        label=PRODUCT_LABEL,
        time=PRODUCT_TIME,
        time_unit=TimeUnit.DAYS,
        id_column=CUSTOMER_ID,
        trained_on=PRODUCT_TRAINED_ON,
    )


def known_directions(columns: Iterable[object]) -> dict[str, int]:
    """The glossary's known direction of churn risk for each feature that has one."""
    found = {str(column): glossary.risk_direction(str(column)) for column in columns}
    return {column: direction for column, direction in found.items() if direction}


def predict_snapshots(
    model: ChurnModelFile, frame: pd.DataFrame, horizons_days: Sequence[int]
) -> np.ndarray:
    """Churn probability within each horizon from the moment the features describe."""
    prediction = model.estimator.predict_churn(
        frame, horizons_days=horizons_days, elapsed_days=np.zeros(len(frame))
    )
    return prediction.probability


def evaluate_held_out(
    training: TrainingSet,
    *,
    folds: int = 5,
    learner: str = "auto",
    columns: Sequence[str] | None = None,
    random_state: int = 0,
    on_fold: Callable[[], None] | None = None,
) -> dict[str, Metrics]:
    """Metrics per horizon on held-out customers: every snapshot scored by a model without it.

    Customers (not snapshots) are split into stratified folds, so no customer's past teaches the
    model about its own future; censored labels are left out of each horizon's metrics.
    """
    ever_churned = (
        pd.Series(training.churned).groupby(training.customer_ids).transform("max").to_numpy()
    )
    customers_churned = len(np.unique(training.customer_ids[ever_churned == 1]))
    if customers_churned < folds:
        raise BadInput(f"{customers_churned} churned customers: too few for {folds} folds")
    horizons = [int(days) for days in (30, 60, 90) if days <= training.max_days]
    probability = np.full((len(training.churned), len(horizons)), np.nan)
    splitter = StratifiedGroupKFold(folds, shuffle=True, random_state=random_state)
    for train, test in splitter.split(
        np.empty((len(ever_churned), 0)), ever_churned, training.customer_ids
    ):
        model = fit_product_model(
            training.subset(train), learner=learner, columns=columns, uncertainty="none"
        )
        frame = training.features.iloc[test]
        probability[test] = predict_snapshots(
            model, frame if columns is None else frame[list(columns)], horizons
        )
        if on_fold is not None:
            on_fold()
    metrics = {}
    for index, days in enumerate(horizons):
        labels = training.labels(days)
        known = labels != CENSORED
        metrics[horizon_name(days)] = binary_metrics(labels[known], probability[known, index])
    return metrics


def driver_document(drivers: Sequence[Any]) -> list[dict[str, Any]]:
    """Drivers as stored in ``churn_scores.drivers``: column, value, contribution, words."""
    return [
        {
            "column": driver.column,
            "value": driver.value if not _is_nan(driver.value) else None,
            "contribution": round(driver.contribution, 4),
            "direction": driver.direction,
            "size": driver.size,
            "phrase": driver.phrase,
        }
        for driver in drivers
    ]


def _is_nan(value: object) -> bool:
    return isinstance(value, float) and np.isnan(value)
