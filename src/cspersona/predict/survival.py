"""Churn within 30, 60, 90 days: a discrete-time survival model with censoring done right.

Time is cut into periods (30 days by default). Every customer becomes one row per period it was
seen active, labelled 1 in the period it churned and 0 before; customers still active are
*censored*: they contribute the periods we saw and nothing after, so nobody is labelled "stayed"
beyond what we know. A learner estimates the hazard, the chance of churning in a period given
activity until then, from the customer's features and the period; survival is the product of
(1 - hazard) over periods, so the probability of churning within a horizon rises with the horizon
for every customer (p30 <= p60 <= p90) by construction. Within a period the hazard is spread
evenly, which gives any horizon, not only whole periods.

Measured on IBM Telco (docs/churn.md) this beat a Cox proportional-hazards model. The time column
itself is never a feature; the period enters only as the baseline hazard.
"""

from collections.abc import Mapping, Sequence
from typing import Self

import numpy as np
import pandas as pd

from cspersona.predict.calibration import UNLABELLED, CalibratedLearner
from cspersona.predict.estimator import ChurnEstimator
from cspersona.predict.metrics import Metrics, binary_metrics

PERIOD_COLUMN = "(period)"
# A feature this correlated with the time column probably accumulates with it (like a total
# spend): it then tells the model how long the customer lasted, which is not known in advance.
TIME_CORRELATION_WARNING = 0.8


def horizon_name(horizon_days: float) -> str:
    """The metrics key and column suffix of a horizon, e.g. ``30d``."""
    return f"{horizon_days:g}d"


def last_period(periods: np.ndarray, churned: np.ndarray) -> np.ndarray:
    """The period a customer churned in, or the last whole period it was seen active."""
    last = np.where(churned == 1, np.maximum(1, np.ceil(periods)), np.floor(periods))
    return np.asarray(last, dtype=np.int64)


def period_grid(first: np.ndarray, count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each customer ``i``, its periods ``first[i] + 1 .. first[i] + count[i]``, flattened.

    Returns the customer position and the period number of every row.
    """
    customer = np.repeat(np.arange(len(count)), count)
    starts = np.repeat(np.cumsum(count) - count, count)
    period = np.arange(int(count.sum())) - starts + 1 + np.repeat(first, count)
    return customer, period


def cumulative_log_survival(hazard: np.ndarray, customer: np.ndarray, width: int) -> np.ndarray:
    """Matrix of log survival after 0..width periods of each customer's grid (NaN past it)."""
    customers = int(customer.max()) + 1 if len(customer) else 0
    offsets = np.arange(len(customer)) - np.searchsorted(customer, customer)
    steps = np.full((customers, width), np.nan)
    steps[customer, offsets] = np.log1p(-np.clip(hazard, 0.0, 1 - 1e-12))
    cumulative = np.cumsum(np.nan_to_num(steps), axis=1)
    cumulative[np.isnan(steps)] = np.nan
    return np.column_stack([np.zeros(customers), cumulative])


def churn_within(
    log_survival: np.ndarray, rows: np.ndarray, start: np.ndarray, horizon: float
) -> np.ndarray:
    """P(churn in (start, start + horizon] | active at start), positions in grid periods."""
    end = _interpolate(log_survival, rows, start + horizon)
    return np.asarray(1 - np.exp(end - _interpolate(log_survival, rows, start)))


def _interpolate(log_survival: np.ndarray, rows: np.ndarray, position: np.ndarray) -> np.ndarray:
    """Log survival at fractional positions: linear within a period (an even hazard)."""
    lower = np.floor(position).astype(np.int64)
    fraction = position - lower
    upper = np.minimum(lower + 1, log_survival.shape[1] - 1)
    base = log_survival[rows, lower]
    step = log_survival[rows, upper] - base
    return np.asarray(np.where(fraction > 0, base + fraction * np.nan_to_num(step), base))


def landmarks(
    periods: np.ndarray, churned: np.ndarray, horizon: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (customer, whole period it was active at, outcome within ``horizon``) we can know.

    A customer seen active at period ``s`` churned within the horizon if it churned by
    ``s + horizon``, stayed if it was still active then; censored before that, it is left out.
    """
    customer, period = period_grid(np.zeros(len(periods), np.int64), np.ceil(periods).astype(int))
    start = period - 1
    end = periods[customer]
    churned_in_time = (churned[customer] == 1) & (end <= start + horizon)
    known = churned_in_time | (end > start + horizon)
    return customer[known], start[known].astype(np.float64), churned_in_time[known].astype(int)


class DiscreteTimeChurnModel(ChurnEstimator):
    """The probability that a customer churns within each horizon, from censored durations.

    ``fit(X, y)`` takes the raw table and ``y`` of shape (n, 2): days observed (until churn, or
    until now for active customers) and the 0/1 churn flag.

    Args:
        period_days: length of a period; 30 makes 30/60/90-day horizons whole periods.
        horizons_days: horizons predicted and evaluated by default.
        learner, calibration, cv, uncertainty, n_bootstrap, random_state, directions: see
            :class:`~cspersona.predict.estimator.ChurnEstimator`.
    """

    boosting_rounds = 200

    def __init__(
        self,
        period_days: float = 30.0,
        horizons_days: Sequence[float] = (30, 60, 90),
        learner: str = "auto",
        calibration: str = "sigmoid",
        cv: int = 5,
        uncertainty: str = "auto",
        n_bootstrap: int = 50,
        random_state: int = 0,
        directions: Mapping[str, int] | None = None,
    ) -> None:
        """Store the hyper-parameters."""
        super().__init__(
            learner, calibration, cv, uncertainty, n_bootstrap, random_state, directions
        )
        self.period_days = period_days
        self.horizons_days = horizons_days

    def fit(self, frame: pd.DataFrame, y: np.ndarray, groups: np.ndarray | None = None) -> Self:
        """Fit on customers, their days observed and their churn flags.

        ``groups`` is the real customer of each row when rows are snapshots of customers at
        several cutoffs, so that cross-fitted calibration never sees a customer on both sides.
        """
        target = np.column_stack(
            [np.asarray(y[:, 0], dtype=np.float64) / self.period_days, y[:, 1]]
        )
        churned = target[:, 1].astype(np.int64)
        self.max_period_ = int(max(1, last_period(target[:, 0], churned).max()))
        typed = self._fit_customers(frame, target, churned, groups)
        self.summary_["period_days"] = self.period_days
        self.summary_["days_observed_median"] = float(np.median(y[:, 0]))
        self.summary_["time_correlated_columns"] = _time_correlated(typed, target[:, 0])
        return self

    def evaluate(self, frame: pd.DataFrame, y: np.ndarray) -> dict[str, Metrics]:
        """Per-horizon metrics at every period each customer was seen active (see landmarks)."""
        periods = np.asarray(y[:, 0], dtype=np.float64) / self.period_days
        typed = self.schema_.transform(frame)
        width = int(np.ceil(periods.max())) + self._extra_periods()
        count = np.full(len(typed), width)
        hazard_rows, customer, _ = self._grid_rows(typed, np.zeros(len(typed), np.int64), count)
        hazard = self.model_.predict_proba(hazard_rows)
        log_survival = cumulative_log_survival(hazard, customer, int(count.max()))
        return self._landmark_metrics(log_survival, periods, np.asarray(y[:, 1]))

    def _rows(
        self, typed: pd.DataFrame, target: np.ndarray, customers: np.ndarray
    ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray | None]:
        periods, churned = target[customers, 0], target[customers, 1]
        last = last_period(periods, churned)
        # Periods past the last one seen are scored (for held-out metrics), never learned from.
        count = last + self._extra_periods()
        rows, position, period = self._grid_rows(typed.iloc[customers], np.zeros_like(last), count)
        labels = np.full(len(period), UNLABELLED)
        seen = period <= last[position]
        labels[seen] = 0
        labels[seen & (period == last[position]) & (churned[position] == 1)] = 1
        return rows, labels, customers[position]

    def _held_out_metrics(self, target: np.ndarray, held_out: np.ndarray) -> dict[str, Metrics]:
        last = last_period(target[:, 0], target[:, 1])
        count = last + self._extra_periods()
        customer, _ = period_grid(np.zeros_like(last), count)
        log_survival = cumulative_log_survival(held_out, customer, int(count.max()))
        return self._landmark_metrics(log_survival, target[:, 0], target[:, 1])

    def _landmark_metrics(
        self, log_survival: np.ndarray, periods: np.ndarray, churned: np.ndarray
    ) -> dict[str, Metrics]:
        metrics = {}
        for horizon_days in self.horizons_days:
            horizon = horizon_days / self.period_days
            customer, start, outcome = landmarks(periods, churned, horizon)
            probability = churn_within(log_survival, customer, start, horizon)
            metrics[horizon_name(horizon_days)] = binary_metrics(outcome, probability)
        return metrics

    def _predict_with(
        self,
        model: CalibratedLearner,
        typed: pd.DataFrame,
        horizons_days: Sequence[float] | None,
        elapsed_days: np.ndarray | None,
    ) -> np.ndarray:
        horizons = [days / self.period_days for days in horizons_days or self.horizons_days]
        elapsed = self._elapsed_periods(typed, elapsed_days)
        first = np.floor(elapsed).astype(np.int64)
        # Enough periods to reach the longest horizon from anywhere inside the first one.
        width = int(np.ceil(1 + max(horizons)))
        rows, customer, _ = self._grid_rows(typed, first, np.full(len(typed), width))
        log_survival = cumulative_log_survival(model.predict_proba(rows), customer, width)
        everyone = np.arange(len(typed))
        return np.column_stack(
            [churn_within(log_survival, everyone, elapsed - first, h) for h in horizons]
        )

    def _explained_rows(self, typed: pd.DataFrame, elapsed_days: np.ndarray | None) -> pd.DataFrame:
        first = np.floor(self._elapsed_periods(typed, elapsed_days)).astype(np.int64)
        return self._grid_rows(typed, first, np.ones(len(typed), np.int64))[0]

    def _target_columns(self, horizons_days: Sequence[float] | None) -> list[str]:
        return [
            f"churn_probability_{horizon_name(days)}"
            for days in (horizons_days or self.horizons_days)
        ]

    def _grid_rows(
        self, typed: pd.DataFrame, first: np.ndarray, count: np.ndarray
    ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
        """Learner rows for each customer's periods ``first+1 .. first+count``, whose, and when.

        Periods past the longest one seen in training reuse its hazard.
        """
        customer, period = period_grid(first, count)
        rows = typed.iloc[customer].reset_index(drop=True)
        rows[PERIOD_COLUMN] = np.minimum(period, self.max_period_).astype(np.float64)
        return rows, customer, period

    def _elapsed_periods(self, typed: pd.DataFrame, elapsed_days: np.ndarray | None) -> np.ndarray:
        if elapsed_days is None:
            return np.zeros(len(typed))
        return np.asarray(elapsed_days, dtype=np.float64) / self.period_days

    def _extra_periods(self) -> int:
        """Periods needed past a landmark to reach the longest default horizon."""
        return int(np.ceil(max(self.horizons_days) / self.period_days))


def _time_correlated(typed: pd.DataFrame, periods: np.ndarray) -> dict[str, float]:
    """Numeric columns whose rank correlation with the time column suggests they accumulate."""
    found = {}
    for column in typed.columns:
        if pd.api.types.is_float_dtype(typed[column]):
            rho = typed[column].corr(pd.Series(periods, index=typed.index), method="spearman")
            if abs(rho) >= TIME_CORRELATION_WARNING:
                found[str(column)] = round(float(rho), 3)
    return found
