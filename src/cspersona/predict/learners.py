"""Binary learners on typed customer tables that explain themselves column by column.

Each learner takes the typed frame :class:`~cspersona.predict.table_columns.TableSchema` produces
(float columns are numbers, the rest categories), scores rows in log-odds (``decision_function``)
and splits every score into one additive contribution per table column (``contributions``), so that
drivers can be read off any of them. Three are offered, chosen by measurement on the IBM Telco table
(see docs/churn.md): a spline logistic regression, LightGBM gradient-boosted trees, and their blend
in log-odds, which was the most accurate.

A learner may be told the direction churn risk is known to move with some number columns
(``directions``: +1 raises, -1 lowers); it then never learns the opposite: the regression keeps
those columns linear with coefficients bounded to that sign, the trees are monotone in them.
"""

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Self

import lightgbm
import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.compose import ColumnTransformer
from sklearn.impute import MissingIndicator, SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, SplineTransformer, StandardScaler


class LogOddsClassifier(ClassifierMixin, BaseEstimator, ABC):  # type: ignore[misc]
    """A binary classifier that scores in log-odds and splits each score over table columns."""

    @abstractmethod
    def decision_function(self, frame: pd.DataFrame) -> np.ndarray:
        """Log-odds of churn per row."""

    @abstractmethod
    def contributions(self, frame: pd.DataFrame) -> np.ndarray:
        """Per row and table column (``sources_``), that column's share of the log-odds."""

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        """Probabilities of stayed and churned per row (uncalibrated)."""
        churn = expit(self.decision_function(frame))
        return np.column_stack([1 - churn, churn])

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """1 where churn is more likely than not."""
        return (self.decision_function(frame) > 0).astype(np.int64)


class ColumnLearner(LogOddsClassifier):
    """A learner whose encoded features map back to the table columns they came from.

    ``directions`` (a hyper-parameter of every subclass) maps number columns to the way churn
    risk is known to move with them: +1 raises, -1 lowers.
    """

    directions: Mapping[str, int] | None

    def _fit_encoder(
        self,
        frame: pd.DataFrame,
        numeric: Callable[[], Any],
        *,
        indicate_missing: bool,
        known: Callable[[], Any] | None = None,
    ) -> np.ndarray:
        """Fit one encoder per kind of column; return the encoded training matrix.

        ``numeric()`` must give every number column the same number of outputs (splines do);
        ``known()`` (default ``numeric``) encodes the columns of known direction, one output each.
        ``membership_`` records which table column each encoded feature belongs to, and
        ``constraints_`` the known direction of each encoded feature (0 where free).
        """
        self.classes_ = np.array([0, 1])
        self.sources_ = [str(column) for column in frame.columns]
        numbers = [c for c in self.sources_ if pd.api.types.is_float_dtype(frame[c])]
        directions = {c: d for c, d in (self.directions or {}).items() if c in numbers and d}
        categories = [c for c in self.sources_ if c not in numbers]
        incomplete = [c for c in numbers if indicate_missing and frame[c].isna().any()]
        parts = [
            ("numbers", numeric(), [c for c in numbers if c not in directions]),
            ("known", (known or numeric)(), [c for c in numbers if c in directions]),
            ("missing", MissingIndicator(features="all"), incomplete),
            ("categories", _category_encoder(), categories),
        ]
        self.encoder_ = ColumnTransformer([part for part in parts if part[2]], sparse_threshold=0.0)
        encoded = np.asarray(self.encoder_.fit_transform(frame), dtype=np.float64)
        self.membership_ = np.zeros((encoded.shape[1], len(self.sources_)))
        self.constraints_ = np.zeros(encoded.shape[1], dtype=np.int64)
        for name, _, columns in parts:
            if not columns:
                continue
            positions = self.encoder_.output_indices_[name]
            widths = self._output_widths(name, columns, positions.stop - positions.start)
            start = positions.start
            for column, width in zip(columns, widths, strict=True):
                self.membership_[start : start + width, self.sources_.index(column)] = 1.0
                if name == "known":
                    self.constraints_[start : start + width] = np.sign(directions[column])
                start += width
        return encoded

    def _output_widths(self, part: str, columns: list[str], total: int) -> list[int]:
        """How many encoded features each column of a part produced, in order."""
        if part != "categories":
            return [total // len(columns)] * len(columns)
        encoder = self.encoder_.named_transformers_["categories"]
        return [
            len(kept) - (0 if rare is None else len(rare) - 1)
            for kept, rare in zip(encoder.categories_, encoder.infrequent_categories_, strict=True)
        ]

    def _encode(self, frame: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.encoder_.transform(frame[self.sources_]), dtype=np.float64)


def _category_encoder() -> OneHotEncoder:
    # Rare categories are pooled, and unseen ones join the pool instead of failing.
    return OneHotEncoder(
        handle_unknown="infrequent_if_exist",
        min_frequency=5,
        max_categories=30,
        sparse_output=False,
    )


class SplineLogisticRegression(ColumnLearner):
    """L2 logistic regression on one-hot categories and spline-expanded numbers.

    Args:
        C: inverse regularisation strength.
        n_knots: spline knots per numeric column at quantiles; ``0`` keeps numbers linear, which
            suits small tables.
        directions: number columns whose effect on churn risk is known (+1 raises, -1 lowers);
            they stay linear and their coefficients are bounded to that sign (a column the data
            would push the other way ends at zero: it is left out).
    """

    def __init__(
        self, C: float = 0.1, n_knots: int = 5, directions: Mapping[str, int] | None = None
    ) -> None:
        """Store the hyper-parameters."""
        self.C = C
        self.n_knots = n_knots
        self.directions = directions

    def fit(self, frame: pd.DataFrame, y: np.ndarray) -> Self:
        """Encode the columns and fit the regression within the known directions."""
        encoded = self._fit_encoder(
            frame,
            self._numeric_encoder,
            indicate_missing=True,
            known=lambda: self._numeric_encoder(knots=0),
        )
        if self.constraints_.any():
            self.coef_, self.intercept_ = _signed_logistic(encoded, y, self.C, self.constraints_)
        else:
            regression = LogisticRegression(C=self.C, max_iter=5000).fit(encoded, y)
            self.coef_, self.intercept_ = regression.coef_[0], float(regression.intercept_[0])
        self.encoded_mean_ = encoded.mean(axis=0)
        return self

    def decision_function(self, frame: pd.DataFrame) -> np.ndarray:
        """Log-odds of churn per row."""
        return np.asarray(self._encode(frame) @ self.coef_ + self.intercept_)

    def contributions(self, frame: pd.DataFrame) -> np.ndarray:
        """Each column's coefficients times its distance from the training mean."""
        centred = self._encode(frame) - self.encoded_mean_
        return np.asarray((centred * self.coef_) @ self.membership_)

    def _numeric_encoder(self, knots: int | None = None) -> Any:
        knots = self.n_knots if knots is None else knots
        steps: list[Any] = [SimpleImputer(strategy="median")]
        if knots:
            steps.append(SplineTransformer(n_knots=knots, knots="quantile"))
        steps.append(StandardScaler())
        return make_pipeline(*steps)


def _signed_logistic(
    encoded: np.ndarray, y: np.ndarray, C: float, signs: np.ndarray
) -> tuple[np.ndarray, float]:
    """L2 logistic regression (scikit-learn's objective) whose coefficients keep ``signs``.

    A coefficient with sign +1 stays >= 0, -1 stays <= 0, 0 is free; the intercept is free and
    unpenalised. One bounded L-BFGS-B solve, as costly as an unconstrained fit.
    """
    rows, width = encoded.shape
    target = np.asarray(y, dtype=np.float64)
    penalty = 1.0 / (C * rows)  # the mean loss, as scikit-learn scales it (same optimum)

    def loss(weights: np.ndarray) -> tuple[float, np.ndarray]:
        coefficients = weights[:width]
        scores = encoded @ coefficients + weights[width]
        value = np.mean(np.logaddexp(0.0, scores) - target * scores)
        residual = (expit(scores) - target) / rows
        gradient = np.append(encoded.T @ residual + penalty * coefficients, residual.sum())
        return float(value + 0.5 * penalty * coefficients @ coefficients), gradient

    bounds = [(0.0, None) if s > 0 else (None, 0.0) if s < 0 else (None, None) for s in signs]
    found = minimize(
        loss,
        np.zeros(width + 1),
        jac=True,
        method="L-BFGS-B",
        bounds=[*bounds, (None, None)],
        options={"maxiter": 5000, "gtol": 1e-4},
    )
    return np.asarray(found.x[:width]), float(found.x[width])


class GradientBoostedTrees(ColumnLearner):
    """LightGBM trees on raw numbers (missing values native) and one-hot categories.

    Args:
        n_estimators: boosting rounds.
        learning_rate: shrinkage per round.
        num_leaves: leaves per tree; few leaves keep interactions shallow.
        min_child_samples: fewest rows in a leaf.
        subsample: share of rows each round sees.
        colsample_bytree: share of encoded features each tree sees.
        random_state: seed for the row and feature sampling.
        n_jobs: threads LightGBM uses.
        directions: number columns whose effect on churn risk is known (+1 raises, -1 lowers);
            the trees are monotone in them (LightGBM ``monotone_constraints``).
    """

    def __init__(
        self,
        n_estimators: int = 400,
        learning_rate: float = 0.02,
        num_leaves: int = 6,
        min_child_samples: int = 80,
        subsample: float = 0.8,
        colsample_bytree: float = 0.5,
        random_state: int = 0,
        n_jobs: int = 1,
        directions: Mapping[str, int] | None = None,
    ) -> None:
        """Store the hyper-parameters."""
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.directions = directions

    def fit(self, frame: pd.DataFrame, y: np.ndarray) -> Self:
        """Encode the columns and grow the trees."""
        encoded = self._fit_encoder(frame, lambda: "passthrough", indicate_missing=False)
        self.booster_ = lightgbm.LGBMClassifier(
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            num_leaves=self.num_leaves,
            min_child_samples=self.min_child_samples,
            subsample=self.subsample,
            subsample_freq=1,
            colsample_bytree=self.colsample_bytree,
            random_state=self.random_state,
            n_jobs=self.n_jobs,
            monotone_constraints=self.constraints_.tolist() if self.constraints_.any() else None,
            verbose=-1,
        ).fit(encoded, y)
        return self

    def decision_function(self, frame: pd.DataFrame) -> np.ndarray:
        """Log-odds of churn per row."""
        return np.asarray(self.booster_.predict(self._encode(frame), raw_score=True))

    def contributions(self, frame: pd.DataFrame) -> np.ndarray:
        """TreeSHAP contributions (LightGBM ``pred_contrib``) summed per column."""
        shap = np.asarray(self.booster_.predict(self._encode(frame), pred_contrib=True))
        return np.asarray(shap[:, :-1] @ self.membership_)


class LogitBlend(LogOddsClassifier):
    """A weighted average of several column learners in log-odds; contributions add the same way.

    Args:
        estimators: ``(name, learner)`` pairs, cloned on fit.
        weights: one weight per learner; equal weights when None.
    """

    def __init__(
        self,
        estimators: Sequence[tuple[str, LogOddsClassifier]],
        weights: Sequence[float] | None = None,
    ) -> None:
        """Store the learners and their weights."""
        self.estimators = estimators
        self.weights = weights

    def fit(self, frame: pd.DataFrame, y: np.ndarray) -> Self:
        """Fit every learner on the same rows."""
        self.classes_ = np.array([0, 1])
        self.estimators_ = [clone(learner).fit(frame, y) for _, learner in self.estimators]
        count = len(self.estimators_)
        weights = [1.0 / count] * count if self.weights is None else self.weights
        self.weights_ = np.asarray(weights, dtype=np.float64)
        self.sources_ = self.estimators_[0].sources_
        return self

    def decision_function(self, frame: pd.DataFrame) -> np.ndarray:
        """The weighted log-odds of the learners."""
        scores = [learner.decision_function(frame) for learner in self.estimators_]
        return np.asarray(np.average(np.vstack(scores), axis=0, weights=self.weights_))

    def contributions(self, frame: pd.DataFrame) -> np.ndarray:
        """The weighted contributions of the learners."""
        parts = [learner.contributions(frame) for learner in self.estimators_]
        return np.asarray(np.tensordot(self.weights_ / self.weights_.sum(), parts, axes=1))


LEARNERS = ("linear", "spline", "boosted", "blend", "logistic")
# Boosting rounds times learning rate: the same budget measured best on Telco both as 400 rounds
# of 0.02 (one row per customer) and as 200 rounds of 0.04 (one row per customer and period).
BOOSTING_BUDGET = 8.0


def make_learner(
    name: str,
    *,
    rounds: int = 400,
    random_state: int = 0,
    directions: Mapping[str, int] | None = None,
) -> LogOddsClassifier:
    """The learner called ``name`` (one of :data:`LEARNERS`), boosting for ``rounds`` rounds.

    ``linear`` is a strongly regularised plain logistic regression, the most accurate choice on
    small books (a few hundred customers); ``spline`` bends each number's effect; ``boosted`` is
    LightGBM; ``blend`` averages ``spline`` and ``boosted``, the most accurate on thousands.
    ``logistic`` is plain logistic regression (scikit-learn's default C = 1), the baseline every
    chosen model is compared with. ``directions`` holds every learner to the known directions of
    those columns.
    """
    if name == "logistic":
        return SplineLogisticRegression(C=1.0, n_knots=0, directions=directions)
    if name == "linear":
        return SplineLogisticRegression(C=0.03, n_knots=0, directions=directions)
    if name == "spline":
        return SplineLogisticRegression(directions=directions)
    trees = GradientBoostedTrees(
        n_estimators=rounds,
        learning_rate=BOOSTING_BUDGET / rounds,
        random_state=random_state,
        directions=directions,
    )
    if name == "boosted":
        return trees
    if name == "blend":
        spline = SplineLogisticRegression(directions=directions)
        return LogitBlend([("spline", spline), ("boosted", trees)])
    raise ValueError(f"unknown learner {name!r}; expected one of {LEARNERS}")
