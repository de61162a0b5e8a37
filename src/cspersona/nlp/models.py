"""ORM models for what the NLP stage learns about each message, and the topics it discovers."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cspersona.db.base import Base, CreatedAtMixin
from cspersona.db.types import utc_now


class Topic(CreatedAtMixin, Base):
    """One discovered topic of one topic-model version, named by its key phrases."""

    __tablename__ = "topics"
    __table_args__ = (UniqueConstraint("model_version", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    model_version: Mapped[str] = mapped_column(String(64), index=True)
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(256))
    key_phrases: Mapped[list[Any]] = mapped_column(default=list)
    size: Mapped[int] = mapped_column(default=0)


class MessageAnalysis(Base):
    """The analysers' verdict on one message; ``analyser_versions`` says which code produced it.

    ``emotions`` maps frustration, anger, confusion, urgency, satisfaction and gratitude to [0, 1];
    ``entities`` is a list of ``{"type", "text", "start", "end"}``.
    """

    __tablename__ = "message_analysis"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), unique=True
    )
    sentiment_label: Mapped[str] = mapped_column(String(16))
    sentiment_score: Mapped[float]
    emotions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    entities: Mapped[list[Any]] = mapped_column(default=list)
    language: Mapped[str | None] = mapped_column(String(8))
    sophistication: Mapped[float | None]
    topic_id: Mapped[int | None] = mapped_column(
        ForeignKey("topics.id", ondelete="SET NULL"), index=True
    )
    cleaned_text: Mapped[str | None] = mapped_column(Text)
    analyser_versions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    analysed_at: Mapped[datetime] = mapped_column(default=utc_now)
