"""What both churn models share: learner choice, calibration, small-book uncertainty, drivers.

A churn model is fitted on a table of customers. Each model turns customers into the rows its
learner sees (one row per customer, or one per customer and period) and back into probabilities;
everything else lives here, so the bring-your-own-data models and the product model built on the
analytics features are the same code.
"""

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from cspersona.exceptions import BadInput
from cspersona.predict import selection
from cspersona.predict.calibration import CALIBRATION_METHODS, CalibratedLearner, calibrated
from cspersona.predict.learners import LEARNERS, make_learner
from cspersona.predict.metrics import Metrics
from cspersona.predict.selection import BASELINE
from cspersona.predict.table_columns import TableSchema

# Below this many churned customers a book is small: measured on IBM Telco subsamples, a strongly
# regularised linear model then ranks best, and bootstrap intervals show how uncertain it is.
SMALL_BOOK_CHURNED = 150
INTERVAL_LEVEL = 0.9
UNCERTAINTY_MODES = ("auto", "bootstrap", "none")


def default_learner(churned_customers: int) -> str:
    """What ``learner="auto"`` picks: ``linear`` on small books, ``blend`` on larger ones."""
    return "linear" if churned_customers < SMALL_BOOK_CHURNED else "blend"


@dataclass(frozen=True)
class ChurnPrediction:
    """Churn probabilities per customer (rows) and target (columns), with optional intervals."""

    columns: list[str]
    probability: np.ndarray
    low: np.ndarray | None = None
    high: np.ndarray | None = None


class ChurnEstimator(BaseEstimator, ABC):  # type: ignore[misc]
    """Base of the churn models: scikit-learn estimators on raw (text) customer tables.

    Args:
        learner: ``auto`` (chosen by cross-validation among candidates, never trailing plain
            logistic regression: :mod:`~cspersona.predict.selection`) or one of
            :data:`~cspersona.predict.learners.LEARNERS`.
        calibration: ``sigmoid`` or ``isotonic``, fitted on cross-fitted held-out scores.
        cv: folds for that cross-fitting.
        uncertainty: ``auto`` (bootstrap intervals on small books), ``bootstrap`` or ``none``.
        n_bootstrap: bootstrap replicates for the intervals.
        random_state: seed for folds, bootstrap samples and the trees.
        directions: number columns whose effect on churn risk is known (+1 raises, -1 lowers),
            which the learner must follow (see :mod:`~cspersona.predict.learners`); None for
            bring-your-own tables, whose columns nobody has vouched for.
    """

    def __init__(
        self,
        learner: str = "auto",
        calibration: str = "sigmoid",
        cv: int = 5,
        uncertainty: str = "auto",
        n_bootstrap: int = 50,
        random_state: int = 0,
        directions: Mapping[str, int] | None = None,
    ) -> None:
        """Store the hyper-parameters (scikit-learn convention: no logic here)."""
        self.learner = learner
        self.calibration = calibration
        self.cv = cv
        self.uncertainty = uncertainty
        self.n_bootstrap = n_bootstrap
        self.random_state = random_state
        self.directions = directions

    # Hooks each model provides -------------------------------------------------------------

    @abstractmethod
    def _rows(
        self, typed: pd.DataFrame, target: np.ndarray, customers: np.ndarray
    ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray | None]:
        """The learner's rows, labels and row groups for these customers (indices, may repeat).

        ``target`` holds one entry per customer: the churn flag, or (periods observed, flag).
        """

    @abstractmethod
    def _held_out_metrics(self, target: np.ndarray, held_out: np.ndarray) -> dict[str, Metrics]:
        """Metrics of the cross-fitted probabilities of every training row."""

    @abstractmethod
    def _predict_with(
        self,
        model: CalibratedLearner,
        typed: pd.DataFrame,
        horizons_days: Sequence[float] | None,
        elapsed_days: np.ndarray | None,
    ) -> np.ndarray:
        """One model's probabilities, customers by targets."""

    @abstractmethod
    def _explained_rows(self, typed: pd.DataFrame, elapsed_days: np.ndarray | None) -> pd.DataFrame:
        """The learner rows whose contributions explain each customer's prediction."""

    # Shared behaviour ------------------------------------------------------------------------

    def _fit_customers(
        self,
        frame: pd.DataFrame,
        target: np.ndarray,
        churned: np.ndarray,
        groups: np.ndarray | None = None,
    ) -> pd.DataFrame:
        """Type the table, fit the calibrated learner and, on small books, its bootstrap twins.

        ``groups`` names the real customer of each row when a customer has several rows (one
        per cutoff); cross-fitting then keeps a customer's rows in one fold, the book's size is
        its churned customers (not rows), and bootstrap samples draw whole customers.
        """
        if self.learner != "auto" and self.learner not in LEARNERS:
            raise BadInput(f"unknown learner {self.learner!r}; use auto or one of {LEARNERS}")
        if self.calibration not in CALIBRATION_METHODS:
            raise BadInput(
                f"unknown calibration {self.calibration!r}; use one of {CALIBRATION_METHODS}"
            )
        if self.uncertainty not in UNCERTAINTY_MODES:
            raise BadInput(f"unknown uncertainty {self.uncertainty!r}; use {UNCERTAINTY_MODES}")
        churned_count = int(churned.sum())
        if min(churned_count, len(churned) - churned_count) < 2:
            raise BadInput(
                f"{len(churned)} customers of whom {churned_count} churned: a churn model needs "
                "at least two churned and two retained customers"
            )
        self.schema_ = TableSchema().fit(frame)
        typed = self.schema_.transform(frame)
        customers = np.arange(len(churned)) if groups is None else np.asarray(groups)
        churned_customers = len(np.unique(customers[churned == 1]))
        self.small_book_ = churned_customers < SMALL_BOOK_CHURNED
        everyone = np.arange(len(typed))
        rows, labels, row_customers = self._rows(typed, target, everyone)
        if groups is not None:
            row_groups = np.asarray(groups)[everyone if row_customers is None else row_customers]
        else:
            row_groups = row_customers
        self._select_and_fit(rows, labels, row_groups, target)
        bootstrap = self.uncertainty == "bootstrap" or (
            self.uncertainty == "auto" and self.small_book_
        )
        self.replicates_ = (
            self._fit_replicates(typed, target, customers, churned) if bootstrap else []
        )
        self.summary_ = self._summary(churned)
        return typed

    def predict_churn(
        self,
        frame: pd.DataFrame,
        horizons_days: Sequence[float] | None = None,
        elapsed_days: np.ndarray | None = None,
    ) -> ChurnPrediction:
        """Calibrated churn probabilities for a raw table, with intervals when bootstrapped."""
        typed = self.schema_.transform(frame)
        columns = self._target_columns(horizons_days)
        probability = self._predict_with(self.model_, typed, horizons_days, elapsed_days)
        if not self.replicates_:
            return ChurnPrediction(columns, probability)
        replicas = np.stack(
            [self._predict_with(m, typed, horizons_days, elapsed_days) for m in self.replicates_]
        )
        tail = (1 - INTERVAL_LEVEL) / 2
        low, high = np.quantile(replicas, [tail, 1 - tail], axis=0)
        # Replicates see fewer distinct customers than the model, so their spread can sit beside
        # its estimate; the interval is widened to hold it rather than contradict it.
        low, high = np.minimum(low, probability), np.maximum(high, probability)
        return ChurnPrediction(columns, probability, low, high)

    def contributions(
        self, frame: pd.DataFrame, elapsed_days: np.ndarray | None = None
    ) -> pd.DataFrame:
        """Each feature column's log-odds contribution to each customer's churn risk."""
        typed = self.schema_.transform(frame)
        values = self.model_.contributions(self._explained_rows(typed, elapsed_days))
        frame_of = pd.DataFrame(values, columns=self.model_.learner_.sources_, index=frame.index)
        return frame_of[self.schema_.feature_columns]

    @abstractmethod
    def evaluate(self, frame: pd.DataFrame, y: np.ndarray) -> dict[str, Metrics]:
        """Metrics per target of this model's probabilities on customers with known outcomes."""

    @abstractmethod
    def _target_columns(self, horizons_days: Sequence[float] | None) -> list[str]:
        """Names of the predicted probabilities, e.g. ``churn_probability_30d``."""

    # Boosting rounds; models with many rows per customer need fewer (see make_learner).
    boosting_rounds = 400

    def _select_and_fit(
        self, rows: pd.DataFrame, labels: np.ndarray, groups: np.ndarray | None, target: np.ndarray
    ) -> None:
        """Score the candidates and the baseline on the same folds, then fit the chosen learner.

        Under ``auto`` the learner is chosen by :func:`~cspersona.predict.selection.choose`;
        otherwise only the named learner and the baseline are scored, for the comparison.
        A blend's held-out scores are its parts' averaged, as the blend itself averages them.
        """
        names = (
            list(selection.candidates(self.small_book_))
            if self.learner == "auto"
            else [self.learner]
        )
        scored = {BASELINE, *names} - {"blend"}
        if "blend" in names:
            scored |= {"spline", "boosted"}
        raw = {
            name: self._calibrated_learner(name).held_out_scores(rows, labels, groups)
            for name in sorted(scored)
        }
        if "blend" in names:
            raw["blend"] = (raw["spline"] + raw["boosted"]) / 2
        figures = {
            name: self._held_out_metrics(target, calibrated(raw[name], labels, self.calibration))
            for name in {BASELINE, *names}
        }
        auc = {name: {t: float(m["roc_auc"]) for t, m in figures[name].items()} for name in figures}
        self.learner_name_ = (
            selection.choose(auc, small_book=self.small_book_)
            if self.learner == "auto"
            else names[0]
        )
        self.model_ = self._calibrated_learner(self.learner_name_)
        self.model_.fit_on_scores(rows, labels, raw[self.learner_name_])
        self.metrics_ = figures[self.learner_name_]
        self.selection_ = {
            "chosen": self.learner_name_,
            "candidates": {name: auc[name] for name in names},
            "baseline": {
                "learner": BASELINE,
                "model": selection.BASELINE_WORDS,
                "roc_auc": auc[BASELINE],
                "brier": {t: float(m["brier"]) for t, m in figures[BASELINE].items()},
            },
        }

    def _calibrated_learner(self, name: str) -> CalibratedLearner:
        learner = make_learner(
            name,
            rounds=self.boosting_rounds,
            random_state=self.random_state,
            directions=self.directions,
        )
        return CalibratedLearner(learner, self.calibration, self.cv, self.random_state)

    def _fit_replicates(
        self, typed: pd.DataFrame, target: np.ndarray, customers: np.ndarray, churned: np.ndarray
    ) -> list[CalibratedLearner]:
        """Refit the learner on stratified bootstrap samples of customers (classes apart).

        A sampled customer brings all its rows (``customers`` names each row's customer), so a
        replicate sees as many distinct customers as the book has, not as many rows.
        """
        generator = np.random.default_rng(self.random_state)
        names, row_customer = np.unique(customers, return_inverse=True)
        rows_of = np.split(
            np.argsort(row_customer, kind="stable"), np.cumsum(np.bincount(row_customer))[:-1]
        )
        ever_churned = np.bincount(row_customer, weights=churned, minlength=len(names)) > 0
        replicates = []
        for _ in range(self.n_bootstrap):
            drawn = np.concatenate(
                [
                    generator.choice(members, size=len(members), replace=True)
                    for members in (np.flatnonzero(ever_churned), np.flatnonzero(~ever_churned))
                ]
            )
            sample = np.concatenate([rows_of[customer] for customer in drawn])
            rows, labels, _ = self._rows(typed, target, sample)
            replicates.append(self.model_.refitted(rows, labels))
        return replicates

    def _summary(self, churned: np.ndarray) -> dict[str, Any]:
        return {
            "customers": len(churned),
            "churned": int(churned.sum()),
            "churn_rate": float(churned.mean()),
            "numeric_columns": self.schema_.numeric_columns_,
            "categorical_columns": self.schema_.categorical_columns_,
            "skipped_columns": self.schema_.skipped_columns_,
            "learner": self.learner_name_,
            "selection": self.selection_,
            "calibration": self.calibration,
            "small_book": self.small_book_,
            "uncertainty": (
                f"{INTERVAL_LEVEL:.0%} bootstrap intervals over {len(self.replicates_)} replicates"
                if self.replicates_
                else "none"
            ),
        }
