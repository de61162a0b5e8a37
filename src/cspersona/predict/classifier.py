"""Churn without a time column: one calibrated probability per customer."""

from collections.abc import Sequence
from typing import Self

import numpy as np
import pandas as pd

from cspersona.exceptions import BadInput
from cspersona.predict.calibration import CalibratedLearner
from cspersona.predict.estimator import ChurnEstimator
from cspersona.predict.metrics import Metrics, binary_metrics

TARGET = "churn"


class ChurnClassifier(ChurnEstimator):
    """The probability that a customer churns, from a table labelled churned/stayed.

    ``fit(X, y)`` takes the raw table (text cells) and a 0/1 churn flag per row; see
    :class:`~cspersona.predict.estimator.ChurnEstimator` for the hyper-parameters.
    """

    def fit(self, frame: pd.DataFrame, y: np.ndarray, groups: np.ndarray | None = None) -> Self:
        """Fit on customers and their churn flags; ``groups`` ties rows of one real customer."""
        churned = np.asarray(y, dtype=np.int64)
        self._fit_customers(frame, churned, churned, groups)
        return self

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        """Probabilities of stayed and churned per customer (scikit-learn's shape)."""
        churn = self.predict_churn(frame).probability[:, 0]
        return np.column_stack([1 - churn, churn])

    def evaluate(self, frame: pd.DataFrame, y: np.ndarray) -> dict[str, Metrics]:
        """Metrics of this model's probabilities on customers with known outcomes."""
        return {TARGET: binary_metrics(np.asarray(y), self.predict_proba(frame)[:, 1])}

    def _rows(
        self, typed: pd.DataFrame, target: np.ndarray, customers: np.ndarray
    ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray | None]:
        rows = typed.iloc[customers].reset_index(drop=True)
        return rows, target[customers], None

    def _held_out_metrics(self, target: np.ndarray, held_out: np.ndarray) -> dict[str, Metrics]:
        return {TARGET: binary_metrics(target, held_out)}

    def _predict_with(
        self,
        model: CalibratedLearner,
        typed: pd.DataFrame,
        horizons_days: Sequence[float] | None,
        elapsed_days: np.ndarray | None,
    ) -> np.ndarray:
        return model.predict_proba(typed).reshape(-1, 1)

    def _explained_rows(self, typed: pd.DataFrame, elapsed_days: np.ndarray | None) -> pd.DataFrame:
        return typed

    def _target_columns(self, horizons_days: Sequence[float] | None) -> list[str]:
        if horizons_days:
            raise BadInput(
                "this model was trained without a time column: it predicts one churn "
                "probability, not one per horizon (refit with --time to get horizons)"
            )
        return ["churn_probability"]
