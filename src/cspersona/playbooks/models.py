"""ORM models for playbooks, the customers they hold, the tasks they create and escalations.

A playbook's content is JSON documents typed by ``playbooks.definition``; what happens to a
customer is relational: an enrolment per entry (with its experiment arm), a task per step for a
treated customer, and an escalation row per step up the policy.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cspersona.db.base import Base, CreatedAtMixin
from cspersona.db.types import string_enum, utc_now
from cspersona.interventions.models import Arm
from cspersona.playbooks.definition import PlaybookDefinition

__all__ = [
    "Arm",
    "Enrolment",
    "Escalation",
    "Observation",
    "Playbook",
    "PlaybookStatus",
    "Task",
    "TaskStatus",
]


class PlaybookStatus(StrEnum):
    """Only active playbooks enter customers; drafts wait for an analyst, retired ones are kept."""

    ACTIVE = "active"
    DRAFT = "draft"
    RETIRED = "retired"


class TaskStatus(StrEnum):
    """Where a task stands; done and skipped are final."""

    OPEN = "open"
    DONE = "done"
    SKIPPED = "skipped"
    SNOOZED = "snoozed"


class Playbook(CreatedAtMixin, Base):
    """A playbook: its definition's documents, where it came from and who last changed it."""

    __tablename__ = "playbooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    status: Mapped[PlaybookStatus] = mapped_column(
        string_enum(PlaybookStatus), default=PlaybookStatus.ACTIVE
    )
    # "template" (generated offline), "llm" (written by the configured model) or "manual".
    source: Mapped[str] = mapped_column(String(16), default="manual")
    objective: Mapped[str] = mapped_column(Text, default="")
    persona_ids: Mapped[list[Any]] = mapped_column(default=list)
    trigger: Mapped[dict[str, Any]] = mapped_column(default=dict)
    criteria: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reentry: Mapped[dict[str, Any]] = mapped_column(default=dict)
    steps: Mapped[list[Any]] = mapped_column(default=list)
    escalation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    success: Mapped[list[Any]] = mapped_column(default=list)
    control_share: Mapped[float] = mapped_column(default=0.10)
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    updated_by: Mapped[str | None] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    @property
    def definition(self) -> PlaybookDefinition:
        """The stored documents, typed and validated."""
        return PlaybookDefinition.model_validate(
            {
                "name": self.name,
                "objective": self.objective,
                "persona_ids": self.persona_ids,
                "trigger": self.trigger,
                "criteria": self.criteria,
                "reentry": self.reentry,
                "steps": self.steps,
                "escalation": self.escalation,
                "success": self.success,
                "control_share": self.control_share,
                "evidence": self.evidence,
            }
        )

    def apply(self, definition: PlaybookDefinition) -> None:
        """Store ``definition``'s documents on this row."""
        document = definition.document()
        for field, value in document.items():
            setattr(self, field, value)


class Enrolment(Base):
    """One entry of a customer into a playbook: why, when, in which arm, and when it ended.

    While it is open (``exited_at`` unset), a new trigger for the same customer and playbook
    updates it (``last_triggered_at``, ``trigger_count``, ``detail``) instead of adding tasks.
    """

    __tablename__ = "playbook_enrolments"
    __table_args__ = (
        Index("ix_playbook_enrolments_playbook_customer", "playbook_id", "customer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    playbook_id: Mapped[int] = mapped_column(ForeignKey("playbooks.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    arm: Mapped[Arm] = mapped_column(string_enum(Arm))
    # The stable draw in [0, 1) that chose the arm: hash of playbook and customer.
    assignment_draw: Mapped[float]
    reason: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")
    entered_by: Mapped[str | None] = mapped_column(String(128))
    entered_at: Mapped[datetime] = mapped_column(default=utc_now)
    last_triggered_at: Mapped[datetime] = mapped_column(default=utc_now)
    trigger_count: Mapped[int] = mapped_column(default=1)
    exited_at: Mapped[datetime | None]
    exit_reason: Mapped[str | None] = mapped_column(Text)

    playbook: Mapped[Playbook] = relationship()
    tasks: Mapped[list["Task"]] = relationship(
        back_populates="enrolment", order_by="Task.step_index"
    )


class Task(CreatedAtMixin, Base):
    """One step of a playbook for one customer: owner, due date, status and outcome."""

    __tablename__ = "playbook_tasks"
    __table_args__ = (Index("ix_playbook_tasks_owner_status", "owner", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("playbook_enrolments.id", ondelete="CASCADE"), index=True
    )
    playbook_id: Mapped[int] = mapped_column(
        ForeignKey("playbooks.id", ondelete="CASCADE"), index=True
    )
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    step_index: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[TaskStatus] = mapped_column(string_enum(TaskStatus), default=TaskStatus.OPEN)
    owner: Mapped[str] = mapped_column(String(128))
    due_on: Mapped[date]
    snoozed_until: Mapped[date | None]
    outcome_note: Mapped[str | None] = mapped_column(Text)
    closed_by: Mapped[str | None] = mapped_column(String(128))
    closed_at: Mapped[datetime | None]
    escalation_level: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    enrolment: Mapped[Enrolment] = relationship(back_populates="tasks")
    playbook: Mapped[Playbook] = relationship()

    @property
    def is_closed(self) -> bool:
        """Done or skipped: nothing more happens to it."""
        return self.status in (TaskStatus.DONE, TaskStatus.SKIPPED)


class Escalation(Base):
    """A task raised one level of its playbook's escalation policy: to whom, why and when."""

    __tablename__ = "playbook_escalations"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(
        ForeignKey("playbook_tasks.id", ondelete="CASCADE"), index=True
    )
    level: Mapped[int]
    target: Mapped[str] = mapped_column(String(160))
    # "overdue" or "risk_worsened".
    reason: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")
    escalated_at: Mapped[datetime] = mapped_column(default=utc_now)


class Observation(Base):
    """A value the trigger run saw for a customer (``risk_tier``, ``signal:NAME``), kept on change.

    Churn scores are replaced on every pipeline run, so "the risk tier rose" needs these rows: the
    tier (or signal state) each time it changed, as the playbooks stage saw it.
    """

    __tablename__ = "playbook_observations"
    __table_args__ = (
        Index("ix_playbook_observations_customer_key", "customer_id", "key", "observed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(String(64))
    observed_at: Mapped[datetime] = mapped_column(default=utc_now)
