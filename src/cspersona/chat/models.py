"""ORM models for the chat domain: conversations, their turns, scenario runs, custom scenarios."""

from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cspersona.db.base import Base, CreatedAtMixin
from cspersona.personas.models import Persona


class ChatConversation(CreatedAtMixin, Base):
    """A conversation between a CSM and a persona, free or inside a practice scenario.

    ``state`` is the customer's current state (satisfaction, trust, patience, emotions, raised
    objections), so a conversation continues where it stopped.
    """

    __tablename__ = "chat_conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    persona_id: Mapped[int] = mapped_column(
        ForeignKey("personas.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    scenario: Mapped[str | None] = mapped_column(String(64))
    seed: Mapped[int] = mapped_column(default=0)
    engine: Mapped[str] = mapped_column(String(32), default="offline")
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    finished: Mapped[bool] = mapped_column(default=False)

    persona: Mapped[Persona] = relationship()
    turns: Mapped[list["ChatTurn"]] = relationship(
        back_populates="conversation", order_by="ChatTurn.seq", cascade="all, delete-orphan"
    )
    scenario_run: Mapped["ScenarioRun | None"] = relationship(cascade="all, delete-orphan")


class ChatTurn(CreatedAtMixin, Base):
    """One message of a chat: the CSM's, or the persona's with its emotion, state and intents."""

    __tablename__ = "chat_turns"
    __table_args__ = (UniqueConstraint("conversation_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("chat_conversations.id", ondelete="CASCADE")
    )
    seq: Mapped[int]
    role: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    emotion: Mapped[str | None] = mapped_column(String(32))
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    intents: Mapped[list[Any]] = mapped_column(default=list)
    suggestions: Mapped[list[Any]] = mapped_column(default=list)

    conversation: Mapped[ChatConversation] = relationship(back_populates="turns")


class ScenarioRun(CreatedAtMixin, Base):
    """A finished practice run: its score card, so a CSM can follow their progress."""

    __tablename__ = "scenario_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("chat_conversations.id", ondelete="CASCADE"), unique=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    scenario: Mapped[str] = mapped_column(String(64), index=True)
    persona_id: Mapped[int] = mapped_column(ForeignKey("personas.id", ondelete="CASCADE"))
    outcome: Mapped[str] = mapped_column(String(16))
    goal_reached: Mapped[bool]
    turns_used: Mapped[int]
    score: Mapped[float]
    score_card: Mapped[dict[str, Any]] = mapped_column(default=dict)

    persona: Mapped[Persona] = relationship()


class ChatScenario(CreatedAtMixin, Base):
    """A custom practice scenario an analyst added; built-in scenarios live in files instead.

    ``document`` is the validated scenario as JSON, read back through the same ``Scenario`` model.
    """

    __tablename__ = "chat_scenarios"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    document: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
