"""Churn on your own data: fit, predict and evaluate churn models on CSV customer tables."""

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cspersona.db.documents import json_ready
from cspersona.exceptions import BadInput
from cspersona.predict.artifact import ChurnModelFile
from cspersona.predict.classifier import ChurnClassifier
from cspersona.predict.drivers import top_drivers
from cspersona.predict.estimator import ChurnEstimator
from cspersona.predict.evaluation import cross_validate
from cspersona.predict.survival import DiscreteTimeChurnModel
from cspersona.predict.table import TableSpec, parse_days, read_csv

ROW_COLUMN = "row"


def parse_horizons(text: str) -> list[int]:
    """Horizons in days from ``"30,60,90"``: positive whole numbers, ascending, no repeats."""
    try:
        horizons = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise BadInput(
            f"--horizons {text!r}: expected days separated by commas, e.g. 30,60,90"
        ) from None
    if not horizons or horizons[0] <= 0:
        raise BadInput(f"--horizons {text!r}: horizons must be positive numbers of days")
    return horizons


def make_estimator(
    *, with_time: bool, learner: str = "auto", calibration: str = "sigmoid"
) -> ChurnEstimator:
    """The churn model for a table: per horizon with a time column, one probability without."""
    if with_time:
        return DiscreteTimeChurnModel(learner=learner, calibration=calibration)
    return ChurnClassifier(learner=learner, calibration=calibration)


def fit_table(
    spec: TableSpec, *, learner: str = "auto", calibration: str = "sigmoid"
) -> ChurnModelFile:
    """Train a churn model on a CSV customer table."""
    table = spec.read()
    estimator = make_estimator(
        with_time=spec.time is not None, learner=learner, calibration=calibration
    )
    estimator.fit(table.features, table.target)
    return ChurnModelFile(
        estimator=estimator,
        label=spec.label,
        time=spec.time,
        time_unit=spec.time_unit,
        id_column=spec.id_column or estimator.schema_.identifier_column(),
        trained_on=spec.path.name,
    )


def evaluate_table(
    spec: TableSpec,
    *,
    folds: int = 5,
    learner: str = "auto",
    calibration: str = "sigmoid",
    on_fold: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Cross-validated metrics of the model ``fit_table`` would train, as a JSON-ready document."""
    table = spec.read()
    estimator = make_estimator(
        with_time=spec.time is not None, learner=learner, calibration=calibration
    )
    metrics = cross_validate(
        estimator, table.features, table.target, table.churned, folds=folds, on_fold=on_fold
    )
    document: dict[str, Any] = json_ready(
        {
            "table": spec.path.name,
            "customers": len(table.churned),
            "churned": int(table.churned.sum()),
            "folds": folds,
            "learner": learner,
            "calibration": calibration,
            "metrics": metrics,
        }
    )
    return document


def predict_table(
    *,
    model: ChurnModelFile,
    path: Path,
    horizons: Sequence[int] | None = None,
    explain: int = 0,
    templates: Mapping[str, str] | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """One row per customer: id, probability per horizon (or one), intervals, drivers.

    Returns the predictions and notes for the user (e.g. a missing time column).
    """
    frame = read_csv(path)
    notes = []
    elapsed = None
    if model.time is not None:
        if model.time in frame.columns:
            elapsed = parse_days(frame[model.time], model.time, model.time_unit)
        else:
            notes.append(
                f"no {model.time!r} column: probabilities are from the start of each "
                "customer's lifetime"
            )
    estimator = model.estimator
    prediction = estimator.predict_churn(frame, horizons_days=horizons, elapsed_days=elapsed)
    if model.id_column is not None and model.id_column in frame.columns:
        output = pd.DataFrame({model.id_column: frame[model.id_column]})
    else:
        output = pd.DataFrame({ROW_COLUMN: np.arange(1, len(frame) + 1)})
    for index, column in enumerate(prediction.columns):
        output[column] = prediction.probability[:, index].round(4)
        if prediction.low is not None and prediction.high is not None:
            output[f"{column}_low"] = prediction.low[:, index].round(4)
            output[f"{column}_high"] = prediction.high[:, index].round(4)
    if explain:
        contributions = estimator.contributions(frame, elapsed_days=elapsed)
        values = estimator.schema_.transform(frame)
        drivers = top_drivers(
            contributions, values, estimator.schema_.typical_, top=explain, templates=templates
        )
        for rank in range(explain):
            output[f"driver_{rank + 1}"] = [
                found[rank].phrase if rank < len(found) else "" for found in drivers
            ]
    return output, notes
