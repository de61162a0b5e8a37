"""ORM models for personas and the mapping of customers onto them."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column

from cspersona.db.base import Base, CreatedAtMixin
from cspersona.db.types import utc_now
from cspersona.personas.profile_schema import CommunicationStyle, PersonaProfile, RiskFactors


class Persona(CreatedAtMixin, Base):
    """A persona: its profile documents are JSON so they can grow.

    A refit that matches a cluster to this persona updates the row in place (``version`` is the
    model version that last fitted it), so ids and names persist; a persona no cluster matches
    any more is retired (``active`` false) rather than deleted, keeping its history readable.
    """

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
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Set when an analyst merged this persona into another: customers a stored model still
    # places here go to that one instead.
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("personas.id", ondelete="SET NULL")
    )

    @property
    def profile(self) -> PersonaProfile:
        """The ``traits`` document, typed: what every reader of the profile goes through."""
        return PersonaProfile.model_validate(self.traits)

    @property
    def style(self) -> CommunicationStyle:
        """The ``communication_style`` document, typed."""
        return CommunicationStyle.model_validate(self.communication_style)

    @property
    def risks(self) -> RiskFactors:
        """The ``risk_factors`` document, typed."""
        return RiskFactors.model_validate(self.risk_factors)


class PersonaMapping(Base):
    """A customer's persona and how well it fits, as last placed by one model version.

    One row per customer and model version: a run that places the customer again writes a new
    row, then deletes the old one (see ``personas.assignment.write_placement``).
    """

    __tablename__ = "persona_mappings"

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
    misfit: Mapped[bool] = mapped_column(default=False, server_default=false())
    map_x: Mapped[float | None]
    map_y: Mapped[float | None]


class PersonaSnapshot(Base):
    """A customer's persona and confidence at one run: the history behind dynamic personas."""

    __tablename__ = "persona_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    persona_id: Mapped[int] = mapped_column(
        ForeignKey("personas.id", ondelete="CASCADE"), index=True
    )
    confidence: Mapped[float]
    taken_at: Mapped[datetime] = mapped_column(default=utc_now, index=True)
    model_version: Mapped[str] = mapped_column(String(64))


class PersonaSwitch(Base):
    """A switch: a customer moved from one persona to another, what changed, what to do now.

    The record is the alert's source: no notification mechanism exists yet, and one added later
    reads these rows. ``changes`` holds the features that moved, each with its ``phrase`` in
    words; ``strategy`` the transition strategy (none on switches recorded before it existed).
    """

    __tablename__ = "persona_switches"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    from_persona_id: Mapped[int] = mapped_column(ForeignKey("personas.id", ondelete="CASCADE"))
    to_persona_id: Mapped[int] = mapped_column(ForeignKey("personas.id", ondelete="CASCADE"))
    detected_at: Mapped[datetime] = mapped_column(default=utc_now, index=True)
    model_version: Mapped[str] = mapped_column(String(64))
    changes: Mapped[list[Any]] = mapped_column(default=list)
    strategy: Mapped[dict[str, Any] | None]


class PersonaFeedback(CreatedAtMixin, Base):
    """A CSM's verdict on a customer's persona: agree or not, with an optional comment."""

    __tablename__ = "persona_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    persona_id: Mapped[int] = mapped_column(
        ForeignKey("personas.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    agree: Mapped[bool]
    comment: Mapped[str | None] = mapped_column(Text)


class PersonaOutlook(Base):
    """A customer's predicted chance of being in one persona ``horizon_days`` from now.

    One row per customer and persona, replaced by each forecast (``personas.evolution``);
    ``learned`` is false where the book had too little history and the "no change" forecast
    was used.
    """

    __tablename__ = "persona_outlooks"
    __table_args__ = (UniqueConstraint("customer_id", "persona_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    persona_id: Mapped[int] = mapped_column(ForeignKey("personas.id", ondelete="CASCADE"))
    probability: Mapped[float]
    horizon_days: Mapped[int]
    learned: Mapped[bool]
    model_version: Mapped[str] = mapped_column(String(64))
    predicted_at: Mapped[datetime] = mapped_column(default=utc_now)


class PersonaEdit(CreatedAtMixin, Base):
    """One analyst edit of a persona: who, when, which field, the old and the new value.

    The newest ``name`` and ``narrative`` edits are overrides a refit keeps; ``merged``,
    ``created`` and ``promoted`` rows record changes of membership.
    """

    __tablename__ = "persona_edits"

    id: Mapped[int] = mapped_column(primary_key=True)
    persona_id: Mapped[int] = mapped_column(
        ForeignKey("personas.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    editor: Mapped[str] = mapped_column(String(128))
    field: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
