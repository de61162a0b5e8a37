"""ORM model of the registry: one row per trained model, its artifact stored on disk."""

from typing import Any

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cspersona.db.base import Base, CreatedAtMixin


class TrainedModel(CreatedAtMixin, Base):
    """A trained model of one kind (``churn``, ``persona``, ...) and version.

    ``artifact_path`` is relative to the data folder, so the folder can move.
    """

    __tablename__ = "trained_models"
    __table_args__ = (UniqueConstraint("kind", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    version: Mapped[int]
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    features: Mapped[list[Any]] = mapped_column(default=list)
    training_summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    artifact_path: Mapped[str] = mapped_column(String(512))

    @property
    def tag(self) -> str:
        """The name scores and messages use, e.g. ``churn-v3``."""
        return f"{self.kind}-v{self.version}"
