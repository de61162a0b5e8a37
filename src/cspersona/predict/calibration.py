"""Probabilities calibrated on held-out data, by cross-fitting.

The learner is fitted k times, each time scoring the customers it did not see; a calibrator
(Platt's sigmoid or isotonic regression) maps those held-out log-odds to observed churn rates; the
learner is then refitted on everything and served through that calibrator (scikit-learn's
``CalibratedClassifierCV(ensemble=False)``, plus groups and rows that are scored but not learned
from, which discrete-time survival needs).
"""

from typing import Self

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

from cspersona.predict.learners import LogOddsClassifier

CALIBRATION_METHODS = ("sigmoid", "isotonic")
UNLABELLED = -1  # a row scored for later use but not learned from (its outcome is unknown)


class ScoreCalibrator(BaseEstimator):  # type: ignore[misc]
    """Maps log-odds to calibrated probabilities.

    Args:
        method: ``sigmoid`` (Platt scaling: two parameters, keeps the ranking) or ``isotonic``
            (a monotone step function: more flexible, needs more data).
    """

    def __init__(self, method: str = "sigmoid") -> None:
        """Store the method."""
        self.method = method

    def fit(self, scores: np.ndarray, y: np.ndarray) -> Self:
        """Learn the mapping from held-out scores and outcomes."""
        if self.method == "sigmoid":
            self.mapping_ = LogisticRegression(C=1e6).fit(scores.reshape(-1, 1), y)
        elif self.method == "isotonic":
            self.mapping_ = IsotonicRegression(y_min=0, y_max=1, out_of_bounds="clip").fit(
                scores, y
            )
        else:
            raise ValueError(f"unknown calibration {self.method!r}; use {CALIBRATION_METHODS}")
        return self

    def predict(self, scores: np.ndarray) -> np.ndarray:
        """Calibrated churn probabilities for log-odds ``scores``."""
        if self.method == "sigmoid":
            return np.asarray(self.mapping_.predict_proba(scores.reshape(-1, 1))[:, 1])
        return np.asarray(self.mapping_.predict(scores), dtype=np.float64)


def calibrated(held_out: np.ndarray, y: np.ndarray, method: str) -> np.ndarray:
    """Held-out log-odds mapped to probabilities by a calibrator fitted on them (labelled rows).

    What a :class:`CalibratedLearner` would report as its held-out probabilities, without
    refitting the learner: used to compare learners before fitting the chosen one.
    """
    labelled = y != UNLABELLED
    return ScoreCalibrator(method).fit(held_out[labelled], y[labelled]).predict(held_out)


class CalibratedLearner(BaseEstimator):  # type: ignore[misc]
    """A learner refitted on all rows and calibrated on its cross-fitted held-out scores.

    Args:
        learner: the log-odds learner (cloned, never fitted in place).
        method: the calibration method (see :class:`ScoreCalibrator`).
        cv: number of folds; fewer are used when a class has fewer groups than folds.
        random_state: seed of the fold assignment.
    """

    def __init__(
        self,
        learner: LogOddsClassifier,
        method: str = "sigmoid",
        cv: int = 5,
        random_state: int = 0,
    ) -> None:
        """Store the learner and the calibration settings."""
        self.learner = learner
        self.method = method
        self.cv = cv
        self.random_state = random_state

    def fit(self, frame: pd.DataFrame, y: np.ndarray, groups: np.ndarray | None = None) -> Self:
        """Fit; see :meth:`fit_held_out`."""
        self.fit_held_out(frame, y, groups)
        return self

    def fit_held_out(
        self, frame: pd.DataFrame, y: np.ndarray, groups: np.ndarray | None = None
    ) -> np.ndarray:
        """Fit, and return every row's calibrated probability from a model that never saw it.

        Rows labelled :data:`UNLABELLED` are scored but not learned from. Rows of one group (one
        customer's periods) always fall in the same fold.
        """
        return self.fit_on_scores(frame, y, self.held_out_scores(frame, y, groups))

    def held_out_scores(
        self, frame: pd.DataFrame, y: np.ndarray, groups: np.ndarray | None = None
    ) -> np.ndarray:
        """Every row's log-odds from a fold learner that never saw it (nothing is kept).

        The folds depend only on ``y``, ``groups`` and ``random_state``, so learners compared on
        the same rows see the same folds, and their scores can be averaged into a blend's.
        """
        labelled = y != UNLABELLED
        held_out = np.empty(len(y), dtype=np.float64)
        for train, test in self._folds(y, groups):
            train = train[labelled[train]]
            fold_learner = clone(self.learner).fit(frame.iloc[train], y[train])
            held_out[test] = fold_learner.decision_function(frame.iloc[test])
        return held_out

    def fit_on_scores(self, frame: pd.DataFrame, y: np.ndarray, held_out: np.ndarray) -> np.ndarray:
        """Calibrate on held-out log-odds, refit the learner on all rows; calibrated held-out."""
        labelled = y != UNLABELLED
        self.calibrator_ = ScoreCalibrator(self.method).fit(held_out[labelled], y[labelled])
        self.learner_ = clone(self.learner).fit(frame[labelled], y[labelled])
        return self.calibrator_.predict(held_out)

    def refitted(self, frame: pd.DataFrame, y: np.ndarray) -> "CalibratedLearner":
        """A twin whose learner is refitted on other rows, served through this calibrator.

        Bootstrap replicates use it: their spread shows how much the learner depends on which
        customers it saw, at the cost of one fit each instead of ``cv + 1``.
        """
        twin: CalibratedLearner = clone(self)
        labelled = y != UNLABELLED
        twin.learner_ = clone(self.learner).fit(frame[labelled], y[labelled])
        twin.calibrator_ = self.calibrator_
        return twin

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        """Calibrated churn probability per row."""
        return self.calibrator_.predict(self.learner_.decision_function(frame))

    def contributions(self, frame: pd.DataFrame) -> np.ndarray:
        """Per-column log-odds contributions of the refitted learner."""
        return np.asarray(self.learner_.contributions(frame))

    def _folds(
        self, y: np.ndarray, groups: np.ndarray | None
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Folds stratified on whether a customer churned, keeping a customer's rows together."""
        if groups is None:
            churned, customers = y == 1, np.arange(len(y))
        else:
            churned = pd.Series(y == 1).groupby(groups).transform("any").to_numpy()
            customers = groups
        folds = min(
            self.cv, len(np.unique(customers[churned])), len(np.unique(customers[~churned]))
        )
        if folds < 2:
            raise ValueError("calibration needs at least two churned and two retained customers")
        rows = np.empty((len(y), 0))
        if groups is None:
            plain = StratifiedKFold(folds, shuffle=True, random_state=self.random_state)
            return list(plain.split(rows, churned))
        grouped = StratifiedGroupKFold(folds, shuffle=True, random_state=self.random_state)
        return list(grouped.split(rows, churned, groups))
