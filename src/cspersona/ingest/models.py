"""ORM models that account for every imported row: runs and the quarantine of rejected records."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cspersona.db.base import Base, CreatedAtMixin
from cspersona.db.types import string_enum, utc_now


class RunStatus(StrEnum):
    """Where an ingestion run stands."""

    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class QuarantineKind(StrEnum):
    """Why a record is in the quarantine: it failed validation, or it repeats another."""

    INVALID = "invalid"
    DUPLICATE = "duplicate"


class IngestionRun(Base):
    """One import: what it read and, per entity, how many rows were received, loaded, etc."""

    __tablename__ = "ingestion_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    paths: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[RunStatus] = mapped_column(string_enum(RunStatus), default=RunStatus.RUNNING)
    started_at: Mapped[datetime] = mapped_column(default=utc_now)
    finished_at: Mapped[datetime | None]
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)


class QuarantinedRecord(CreatedAtMixin, Base):
    """A rejected input record, kept verbatim with where it came from and why it was refused."""

    __tablename__ = "quarantine"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("ingestion_runs.id", ondelete="CASCADE"), index=True
    )
    entity: Mapped[str] = mapped_column(String(32))
    kind: Mapped[QuarantineKind] = mapped_column(string_enum(QuarantineKind))
    source: Mapped[str] = mapped_column(String(64))
    row_ref: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)


class InteractionFingerprint(Base):
    """A conversation's MinHash signature, kept so later imports can find near-duplicates."""

    __tablename__ = "interaction_fingerprints"

    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True
    )
    signature: Mapped[bytes] = mapped_column(LargeBinary)
