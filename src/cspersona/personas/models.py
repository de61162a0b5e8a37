"""ORM models for personas and the mapping of customers onto them."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cspersona.db.base import Base, CreatedAtMixin
from cspersona.db.types import utc_now


class Persona(CreatedAtMixin, Base):
    """One persona of one model version: its profile documents are JSON so they can grow."""

    __tablename__ = "personas"
    __table_args__ = (UniqueConstraint("version", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(String(128))
    traits: Mapped[dict[str, Any]] = mapped_column(default=dict)
    communication_style: Mapped[dict[str, Any]] = mapped_column(default=dict)
    risk_factors: Mapped[dict[str, Any]] = mapped_column(default=dict)
    narrative: Mapped[str | None] = mapped_column(Text)
    centroid: Mapped[list[Any]] = mapped_column(default=list)


class PersonaMapping(Base):
    """A customer's persona and how well it fits, as assigned by one model version."""

    __tablename__ = "persona_mappings"
    __table_args__ = (UniqueConstraint("customer_id", "model_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    persona_id: Mapped[int] = mapped_column(
        ForeignKey("personas.id", ondelete="CASCADE"), index=True
    )
    confidence_score: Mapped[float]
    assigned_at: Mapped[datetime] = mapped_column(default=utc_now)
    model_version: Mapped[str] = mapped_column(String(64))
