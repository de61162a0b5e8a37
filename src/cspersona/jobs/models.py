"""The ORM model of a job: one run of a registered job kind, with its progress and outcome."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cspersona.db.base import Base, CreatedAtMixin
from cspersona.db.types import string_enum


class JobStatus(StrEnum):
    """Where a job stands; ``succeeded`` and ``failed`` are final."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Job(CreatedAtMixin, Base):
    """One run of a job kind: its parameters, who asked, progress, and result or error."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[JobStatus] = mapped_column(
        string_enum(JobStatus), default=JobStatus.QUEUED, index=True
    )
    runner: Mapped[str] = mapped_column(String(16))
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    progress: Mapped[float] = mapped_column(default=0.0)
    message: Mapped[str | None] = mapped_column(String(255))
    result: Mapped[dict[str, Any] | None]
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
