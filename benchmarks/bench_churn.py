"""Churn models on IBM Telco (7,043 customers): accuracy, calibration and the choices behind them.

Prints one JSON line per figure set:

* ``no_time``: 5-fold stratified cross-validation of one probability per customer, for a plain
  logistic-regression baseline and every learner (each calibrated on held-out folds); target
  ROC-AUC >= 0.85 for the default (``auto``) model.
* ``horizons``: the discrete-time survival model with ``tenure`` (months) as the time column,
  customers still active censored at their tenure, and ``TotalCharges`` dropped because it
  accumulates with tenure (about tenure x MonthlyCharges) and would leak it. Metrics per horizon
  over every month each held-out customer was seen active; Cox proportional hazards (lifelines,
  when installed) on the same folds for comparison.
* ``small_book``: 60 random customers train the default model, which is scored on the rest.
* ``learning_curve``: every learner trained on 60 to 1,200 random customers and scored on 2,000
  others: the evidence for using ``linear`` on small books.

Run: ``.venv/bin/python benchmarks/bench_churn.py [--parts no_time,horizons,small_book]``.
"""

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from cspersona.predict.classifier import ChurnClassifier
from cspersona.predict.estimator import ChurnEstimator, default_learner
from cspersona.predict.evaluation import cross_validate
from cspersona.predict.learners import LEARNERS
from cspersona.predict.metrics import Metrics, binary_metrics, mean_metrics
from cspersona.predict.schema import TableSchema
from cspersona.predict.service import json_ready
from cspersona.predict.survival import (
    DiscreteTimeChurnModel,
    churn_within,
    horizon_name,
    landmarks,
)
from cspersona.predict.table import CustomerTable, TableSpec, TimeUnit
from shared_datasets import require_dataset

TELCO = "churn/telco-customer-churn.csv"
TARGET_ROC_AUC = 0.85
FOLDS = 5
SEED = 0


def emit(**figures: object) -> None:
    """One JSON line, floats rounded."""
    print(json.dumps(json_ready({"benchmark": "churn", "dataset": "telco", **figures})), flush=True)


def timed(run: Callable[[], dict[str, Metrics]]) -> tuple[dict[str, Metrics], float]:
    """The result of ``run()`` and the seconds it took."""
    started = time.perf_counter()
    result = run()
    return result, time.perf_counter() - started


def cross_validated(
    estimator: ChurnEstimator, table: CustomerTable
) -> tuple[dict[str, Metrics], float]:
    """Metrics of ``estimator`` in 5-fold stratified CV over the table's customers, and seconds."""
    return timed(
        lambda: cross_validate(
            estimator, table.features, table.target, table.churned, folds=FOLDS, random_state=SEED
        )
    )


def logistic_baseline(frame: pd.DataFrame, churned: np.ndarray) -> dict[str, Metrics]:
    """Plain logistic regression: one-hot categories, scaled numbers, no calibration step."""
    typed = TableSchema().fit_transform(frame)
    numbers = [c for c in typed.columns if pd.api.types.is_float_dtype(typed[c])]
    categories = [c for c in typed.columns if c not in numbers]
    model = make_pipeline(
        ColumnTransformer(
            [
                ("numbers", make_pipeline(SimpleImputer(), StandardScaler()), numbers),
                ("categories", OneHotEncoder(handle_unknown="ignore"), categories),
            ]
        ),
        LogisticRegression(max_iter=5000),
    )
    folds = []
    splitter = StratifiedKFold(FOLDS, shuffle=True, random_state=SEED)
    for train, test in splitter.split(typed, churned):
        model.fit(typed.iloc[train], churned[train])
        folds.append(binary_metrics(churned[test], model.predict_proba(typed.iloc[test])[:, 1]))
    return {"churn": mean_metrics(folds)}


def no_time(path: Path) -> None:
    """One probability per customer: the baseline and every learner, 5-fold CV."""
    table = TableSpec(path, "Churn", id_column="customerID").read()
    metrics, seconds = timed(lambda: logistic_baseline(table.features, table.churned))
    emit(
        mode="no_time", model="logistic_baseline", folds=FOLDS, seconds=seconds, **metrics["churn"]
    )
    chosen = default_learner(int(table.churned.sum()))
    for learner in LEARNERS:
        metrics, seconds = cross_validated(ChurnClassifier(learner=learner), table)
        figures: dict[str, object] = {
            "mode": "no_time", "model": learner, "folds": FOLDS, "seconds": seconds
        }  # fmt: skip
        if learner == chosen:
            figures.update(default=True, target_roc_auc=TARGET_ROC_AUC)
            figures["target_met"] = metrics["churn"]["roc_auc"] >= TARGET_ROC_AUC
        emit(**figures, **metrics["churn"])


def horizons(path: Path, learners: list[str]) -> None:
    """Churn within 30/60/90 days with tenure as the time column, against Cox."""
    dropped = ("TotalCharges",)
    table = TableSpec(path, "Churn", "tenure", TimeUnit.MONTHS, "customerID", dropped).read()
    y = table.target
    setting = {"mode": "horizons", "time": "tenure (months)", "dropped": dropped, "folds": FOLDS}
    for learner in learners:
        metrics, seconds = cross_validated(DiscreteTimeChurnModel(learner=learner), table)
        emit(**setting, model=f"discrete_time_{learner}", seconds=seconds, metrics=metrics)
    try:
        metrics, seconds = timed(lambda: cox_baseline(table.features, y, table.churned))
    except ImportError:
        emit(**setting, model="cox_ph", skipped="lifelines is not installed")
        return
    emit(**setting, model="cox_ph", seconds=seconds, metrics=metrics)


def cox_baseline(frame: pd.DataFrame, y: np.ndarray, churned: np.ndarray) -> dict[str, Metrics]:
    """Cox proportional hazards (lifelines) scored with the same landmarks and folds."""
    from lifelines import CoxPHFitter

    typed = TableSchema().fit_transform(frame)
    encoded = pd.get_dummies(typed, drop_first=True, dtype=float)
    encoded = encoded.fillna(encoded.median())
    months = y[:, 0] / 30
    results: dict[str, list[Metrics]] = {}
    splitter = StratifiedKFold(FOLDS, shuffle=True, random_state=SEED)
    for train, test in splitter.split(encoded, churned):
        training = encoded.iloc[train].assign(
            months=np.maximum(months[train], 0.5), churned=churned[train]
        )
        fitter = CoxPHFitter(penalizer=0.05).fit(training, "months", "churned")
        grid = np.arange(0, int(months.max()) + 4)
        survival = fitter.predict_survival_function(encoded.iloc[test], times=grid).T.to_numpy()
        log_survival = np.log(np.clip(survival, 1e-12, 1))
        for days in (30, 60, 90):
            customer, start, outcome = landmarks(months[test], churned[test], days / 30)
            probability = churn_within(log_survival, customer, start, days / 30)
            results.setdefault(horizon_name(days), []).append(binary_metrics(outcome, probability))
    return {name: mean_metrics(folds) for name, folds in results.items()}


def small_book(path: Path, customers: int = 60, repeats: int = 10) -> None:
    """Train on 60 random customers, score the rest; repeated on fresh samples."""
    table = TableSpec(path, "Churn", id_column="customerID").read()
    generator = np.random.default_rng(SEED)
    aucs, widths, learners = [], [], set()
    for _ in range(repeats):
        order = generator.permutation(len(table.churned))
        train, test = order[:customers], order[customers:]
        model = ChurnClassifier().fit(table.features.iloc[train], table.churned[train])
        prediction = model.predict_churn(table.features.iloc[test])
        assert prediction.low is not None and prediction.high is not None
        aucs.append(binary_metrics(table.churned[test], prediction.probability[:, 0])["roc_auc"])
        widths.append(float(np.mean(prediction.high - prediction.low)))
        learners.add(model.learner_name_)
    emit(
        mode="small_book",
        customers=customers,
        repeats=repeats,
        learner=sorted(learners),
        roc_auc_mean=float(np.mean(aucs)),
        roc_auc_min=float(np.min(aucs)),
        interval_90_width_mean=float(np.mean(widths)),
    )


def learning_curve(path: Path) -> None:
    """Which learner ranks best as the book grows: the evidence for the small-book rule."""
    table = TableSpec(path, "Churn", id_column="customerID").read()
    generator = np.random.default_rng(SEED)
    for customers, repeats in ((60, 8), (150, 8), (300, 8), (600, 3), (1200, 3)):
        aucs: dict[str, list[float]] = {learner: [] for learner in LEARNERS}
        churned_counts = []
        for _ in range(repeats):
            order = generator.permutation(len(table.churned))
            train, test = order[:customers], order[customers : customers + 2000]
            churned_counts.append(int(table.churned[train].sum()))
            for learner in LEARNERS:
                model = ChurnClassifier(learner=learner, uncertainty="none")
                model.fit(table.features.iloc[train], table.churned[train])
                probability = model.predict_churn(table.features.iloc[test]).probability[:, 0]
                aucs[learner].append(binary_metrics(table.churned[test], probability)["roc_auc"])
        emit(
            mode="learning_curve",
            customers=customers,
            churned_mean=float(np.mean(churned_counts)),
            repeats=repeats,
            default=default_learner(int(np.mean(churned_counts))),
            roc_auc={learner: float(np.mean(values)) for learner, values in aucs.items()},
        )


def main() -> None:
    """Run the parts asked for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default="no_time,horizons,small_book,learning_curve")
    parser.add_argument(
        "--horizon-learners",
        default="blend,spline,boosted",
        help="learners of the discrete-time model to cross-validate (blend is the default)",
    )
    arguments = parser.parse_args()
    path = require_dataset(TELCO)
    parts = arguments.parts.split(",")
    if "no_time" in parts:
        no_time(path)
    if "horizons" in parts:
        horizons(path, arguments.horizon_learners.split(","))
    if "small_book" in parts:
        small_book(path)
    if "learning_curve" in parts:
        learning_curve(path)


if __name__ == "__main__":
    main()
