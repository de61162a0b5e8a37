"""ORM model for what happened inside one conversation, as the dynamics analyser saw it."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cspersona.db.base import Base
from cspersona.db.types import utc_now


class InteractionAnalysis(Base):
    """One conversation's dynamics: sentiment path, escalation, recovery, replies' effect, times.

    ``trajectory`` lists the customer's turns as ``{"seq", "sent_at", "sentiment", "anger",
    "frustration"}``; ``reply_effects`` lists each staff reply as ``{"seq", "role", "before",
    "after", "after_sent_at", "delta"}`` (the change from the customer turn before it to the one
    after it).
    ``message_count`` and ``analysed_messages`` say what the row was computed from, so a
    conversation that grew or got its NLP verdicts since is analysed again.
    """

    __tablename__ = "interaction_analysis"

    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("interactions.id", ondelete="CASCADE"), unique=True
    )
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    trajectory: Mapped[list[Any]] = mapped_column(default=list)
    sentiment_start: Mapped[float | None]
    sentiment_end: Mapped[float | None]
    sentiment_min: Mapped[float | None]
    escalated: Mapped[bool] = mapped_column(default=False)
    escalation_seq: Mapped[int | None]
    escalation_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="SET NULL")
    )
    escalated_at: Mapped[datetime | None] = mapped_column(index=True)
    escalation_trigger: Mapped[str | None] = mapped_column(Text)
    escalation_reason: Mapped[str | None] = mapped_column(String(32))
    recovered: Mapped[bool | None]
    reply_effects: Mapped[list[Any]] = mapped_column(default=list)
    reply_effect_mean: Mapped[float | None]
    helpful_replies: Mapped[int] = mapped_column(default=0)
    harmful_replies: Mapped[int] = mapped_column(default=0)
    first_response_hours: Mapped[float | None]
    resolution_hours: Mapped[float | None]
    message_count: Mapped[int] = mapped_column(default=0)
    analysed_messages: Mapped[int] = mapped_column(default=0)
    analyser_version: Mapped[str] = mapped_column(String(32))
    analysed_at: Mapped[datetime] = mapped_column(default=utc_now)
