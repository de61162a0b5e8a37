"""ORM models for conversations: one interaction holds its messages in order."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from cspersona.conversations.hygiene import clean_body
from cspersona.db.base import Base, CreatedAtMixin
from cspersona.db.types import string_enum


class InteractionType(StrEnum):
    """The kind of conversation."""

    TICKET = "ticket"
    EMAIL = "email"
    CHAT = "chat"
    CALL = "call"
    NPS = "nps"
    INTERVIEW = "interview"


class AuthorRole(StrEnum):
    """Who wrote a message: the customer, a support agent or their CSM."""

    CUSTOMER = "customer"
    AGENT = "agent"
    CSM = "csm"


class Interaction(CreatedAtMixin, Base):
    """One conversation with a customer, from whichever source it came."""

    __tablename__ = "interactions"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_interactions_customer_started", "customer_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    type: Mapped[InteractionType] = mapped_column(string_enum(InteractionType))
    channel: Mapped[str | None] = mapped_column(String(32))
    subject: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(32))
    priority: Mapped[str | None] = mapped_column(String(16))
    started_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    source: Mapped[str] = mapped_column(String(64), default="manual")
    external_id: Mapped[str | None] = mapped_column(String(128))
    content_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    ingestion_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("ingestion_runs.id", ondelete="SET NULL"), index=True
    )

    messages: Mapped[list["Message"]] = relationship(
        back_populates="interaction", order_by="Message.seq", cascade="all, delete-orphan"
    )


def _body_of_text(context: DefaultExecutionContext) -> str:
    """The clean body of the text being inserted, for rows that do not bring their own."""
    parameters: dict[str, object] = context.get_current_parameters()  # type: ignore[no-untyped-call]
    return clean_body(str(parameters["text"]))


class Message(Base):
    """One turn of a conversation: its raw text as received and its clean body."""

    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("interaction_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"))
    seq: Mapped[int]
    author_role: Mapped[AuthorRole] = mapped_column(string_enum(AuthorRole))
    author_id: Mapped[str | None] = mapped_column(String(128))
    sent_at: Mapped[datetime] = mapped_column(index=True)
    text: Mapped[str] = mapped_column(Text)
    # The author's own words: what every stage that reads the message reads. Ingestion inserts
    # it (anonymised like the text); an ORM change of the text recomputes it, and other inserts
    # that bring none get it from their text.
    body: Mapped[str] = mapped_column(Text, default=_body_of_text, server_default="")
    language: Mapped[str | None] = mapped_column(String(8))
    external_id: Mapped[str | None] = mapped_column(String(128), index=True)

    interaction: Mapped[Interaction] = relationship(back_populates="messages")

    @validates("text")
    def _keep_body_in_step(self, _key: str, text: str) -> str:
        self.body = clean_body(text)
        return text
