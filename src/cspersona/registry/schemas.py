"""Pydantic models for registered models as the CLI (and later the API) shows them."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class TrainedModelRead(BaseModel):
    """A registered model."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    version: int
    tag: str
    created_at: datetime
    params: dict[str, Any]
    features: list[Any]
    training_summary: dict[str, Any]
    metrics: dict[str, Any]
    artifact_path: str
