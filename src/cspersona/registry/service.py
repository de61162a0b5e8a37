"""Registry operations: register a trained model, find the latest of a kind, list, load."""

from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspersona.exceptions import NotFound
from cspersona.registry import artifacts
from cspersona.registry.models import TrainedModel

MODELS_FOLDER = "models"


def register(
    *,
    db_session: Session,
    data_dir: Path,
    kind: str,
    artifact: object,
    params: dict[str, Any],
    features: list[str],
    training_summary: dict[str, Any],
    metrics: dict[str, Any],
) -> TrainedModel:
    """Save ``artifact`` as the next version of ``kind`` under ``data_dir/models``; record it."""
    latest = db_session.scalar(
        select(func.max(TrainedModel.version)).where(TrainedModel.kind == kind)
    )
    version = (latest or 0) + 1
    relative = Path(MODELS_FOLDER) / f"{kind}-v{version}.joblib"
    artifacts.save(artifact, data_dir / relative)
    model = TrainedModel(
        kind=kind,
        version=version,
        params=params,
        features=features,
        training_summary=training_summary,
        metrics=metrics,
        artifact_path=relative.as_posix(),
    )
    db_session.add(model)
    db_session.flush()
    return model


def get(*, db_session: Session, kind: str, version: int) -> TrainedModel:
    """One version of a kind, or :class:`NotFound`."""
    model = db_session.scalar(
        select(TrainedModel).where(TrainedModel.kind == kind, TrainedModel.version == version)
    )
    if model is None:
        raise NotFound(f"no {kind} model version {version} is registered")
    return model


def get_latest(*, db_session: Session, kind: str) -> TrainedModel:
    """The newest version of a kind, or :class:`NotFound`."""
    model = db_session.scalar(
        select(TrainedModel).where(TrainedModel.kind == kind).order_by(TrainedModel.version.desc())
    )
    if model is None:
        raise NotFound(f"no {kind} model is registered yet")
    return model


def get_all(*, db_session: Session, kind: str | None = None) -> list[TrainedModel]:
    """Registered models, by kind then version; one kind only when ``kind`` is given."""
    query = select(TrainedModel).order_by(TrainedModel.kind, TrainedModel.version)
    if kind is not None:
        query = query.where(TrainedModel.kind == kind)
    return list(db_session.scalars(query))


def load(*, model: TrainedModel, data_dir: Path) -> object:
    """The artifact of a registered model."""
    return artifacts.load(data_dir / model.artifact_path)
