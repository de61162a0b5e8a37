"""Churn model files: the fitted estimator and how to read the tables it scores; their registry."""

import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from cspersona import __version__
from cspersona.db.documents import json_ready
from cspersona.db.types import utc_now
from cspersona.exceptions import BadInput
from cspersona.predict import table_columns
from cspersona.predict.estimator import ChurnEstimator
from cspersona.predict.table import TimeUnit
from cspersona.registry import artifacts
from cspersona.registry import service as registry
from cspersona.registry.models import TrainedModel

CHURN_KIND = "churn"

# Model files are pickles that name each class by its module. Files written before the column
# typing moved from ``predict/schema.py`` to ``predict/table_columns.py`` name the old module, so
# that name stays importable: those models still load.
sys.modules.setdefault("cspersona.predict.schema", table_columns)


@dataclass(frozen=True)
class ChurnModelFile:
    """What ``cspersona churn fit`` writes and ``churn predict`` reads."""

    estimator: ChurnEstimator
    label: str
    time: str | None
    time_unit: TimeUnit
    id_column: str | None
    trained_on: str
    created_at: datetime = field(default_factory=utc_now)
    cspersona_version: str = __version__


def save_model(model: ChurnModelFile, path: Path) -> Path:
    """Write a churn model file."""
    return artifacts.save(model, path)


def load_model(path: Path) -> ChurnModelFile:
    """Read a churn model file, refusing files that hold something else."""
    model = artifacts.load(path)
    if not isinstance(model, ChurnModelFile):
        raise BadInput(f"{path} is not a cspersona churn model (it holds {type(model).__name__})")
    return model


def register_model(*, db_session: Session, data_dir: Path, model: ChurnModelFile) -> TrainedModel:
    """Store a churn model file in the registry as the next ``churn`` version."""
    estimator = model.estimator
    params = {
        **estimator.get_params(deep=False),
        "label": model.label,
        "time": model.time,
        "time_unit": model.time_unit.value,
        "id_column": model.id_column,
        "estimator": type(estimator).__name__,
    }
    return registry.register(
        db_session=db_session,
        data_dir=data_dir,
        kind=CHURN_KIND,
        artifact=model,
        params=json_ready(params),
        features=estimator.schema_.feature_columns,
        training_summary=json_ready({"table": model.trained_on, **estimator.summary_}),
        metrics=json_ready(estimator.metrics_),
    )
