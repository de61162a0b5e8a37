"""A churn model file: the fitted estimator and how to read the tables it scores."""

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from cspersona import __version__
from cspersona.db.types import utc_now
from cspersona.exceptions import BadInput
from cspersona.predict.estimator import ChurnEstimator
from cspersona.predict.table import TimeUnit
from cspersona.registry import artifacts


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
