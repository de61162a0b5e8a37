"""What the API, CLI and pages exchange about playbooks and tasks."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from cspersona.http.limits import MAX_ID, TEXT_PATTERN
from cspersona.http.pagination import Page
from cspersona.playbooks.definition import PlaybookDefinition, TriggerKind
from cspersona.playbooks.enrolment import EntryResult
from cspersona.playbooks.manual import ManualEntry
from cspersona.playbooks.models import Arm, Playbook, PlaybookStatus, TaskStatus
from cspersona.playbooks.queue import QueuedTask
from cspersona.playbooks.task_detail import TaskDetail


class PlaybookSummary(BaseModel):
    """A playbook in a list: what starts it, how long it is, and how many customers it holds."""

    id: int
    name: str
    status: PlaybookStatus
    source: str
    trigger: str
    steps: int
    control_share: float
    customers_in: int
    updated_at: datetime

    @classmethod
    def of(cls, playbook: Playbook, *, customers_in: int) -> "PlaybookSummary":
        """The summary of ``playbook`` holding ``customers_in`` customers now."""
        definition = playbook.definition
        return cls(
            id=playbook.id,
            name=playbook.name,
            status=playbook.status,
            source=playbook.source,
            trigger=definition.trigger.describe(),
            steps=len(definition.steps),
            control_share=definition.control_share,
            customers_in=customers_in,
            updated_at=playbook.updated_at,
        )


class PlaybookRead(PlaybookDefinition):
    """A stored playbook: its definition and where it stands."""

    id: int
    status: PlaybookStatus
    source: str
    updated_by: str | None
    updated_at: datetime

    @classmethod
    def of(cls, playbook: Playbook) -> "PlaybookRead":
        """``playbook`` as the API serves it."""
        return cls(
            **playbook.definition.model_dump(),
            id=playbook.id,
            status=playbook.status,
            source=playbook.source,
            updated_by=playbook.updated_by,
            updated_at=playbook.updated_at,
        )


class TaskRead(BaseModel):
    """A task in the work queue, with the customer and risk it is about."""

    id: int
    playbook_id: int
    playbook_name: str
    customer_id: int
    company_name: str
    persona_name: str | None
    title: str
    kind: str
    status: TaskStatus
    owner: str
    due_on: date
    overdue: bool
    snoozed_until: date | None
    reason: TriggerKind | str
    risk_tier: str | None
    churn_probability: float | None
    outcome_note: str | None
    escalation_level: int

    @classmethod
    def of(cls, row: QueuedTask, *, today: date) -> "TaskRead":
        """A queued task as the API serves it."""
        task = row.task
        return cls(
            id=task.id,
            playbook_id=task.playbook_id,
            playbook_name=task.playbook.name,
            customer_id=row.customer.id,
            company_name=row.customer.company_name,
            persona_name=row.persona.name if row.persona else None,
            title=task.title,
            kind=task.kind,
            status=task.status,
            owner=task.owner,
            due_on=task.due_on,
            overdue=row.overdue(today),
            snoozed_until=task.snoozed_until,
            reason=task.enrolment.reason,
            risk_tier=row.risk_tier,
            churn_probability=row.churn_probability,
            outcome_note=task.outcome_note,
            escalation_level=task.escalation_level,
        )


PlaybookPage = Page[PlaybookSummary]
TaskPage = Page[TaskRead]


class PlaybookStatusChange(BaseModel):
    """Activate a playbook, park it as a draft, or retire it."""

    status: PlaybookStatus


class EnrolRequest(BaseModel):
    """Start a playbook for one customer by hand, with an optional note saying why."""

    customer_id: int = Field(ge=1, le=MAX_ID)
    note: str = Field(default="", max_length=2000, pattern=TEXT_PATTERN)


class EnrolResult(BaseModel):
    """What starting the playbook did: entered, held back, updated (already in) or limited."""

    result: EntryResult
    message: str
    enrolment_id: int | None
    arm: Arm | None
    task_ids: list[int]

    @classmethod
    def of(cls, entry: ManualEntry) -> "EnrolResult":
        """The API's view of a hand entry."""
        enrolment = entry.enrolment
        return cls(
            result=entry.result,
            message=entry.message,
            enrolment_id=enrolment.id if enrolment else None,
            arm=enrolment.arm if enrolment else None,
            task_ids=[task.id for task in enrolment.tasks] if enrolment else [],
        )


class TaskClose(BaseModel):
    """Close a task as done (a note is welcome) or skipped (a note saying why is required)."""

    status: Literal[TaskStatus.DONE, TaskStatus.SKIPPED]
    note: str | None = Field(default=None, max_length=2000, pattern=TEXT_PATTERN)


class TaskSnooze(BaseModel):
    """Put a task aside until a later day."""

    until: date


class RenderedMessageRead(BaseModel):
    """A step's message rendered for the task's customer, and the values it had to leave out."""

    channel: str
    subject: str | None
    body: str
    missing: list[str]


class TaskDetailRead(TaskRead):
    """A task with its customer's context and its messages, ready to copy."""

    why: str
    instructions: str
    tone: str
    drivers: list[str]
    messages: list[RenderedMessageRead]

    @classmethod
    def of_detail(cls, detail: TaskDetail, *, today: date) -> "TaskDetailRead":
        """The API's view of a task's detail."""
        return cls(
            **TaskRead.of(detail.row, today=today).model_dump(),
            why=detail.why,
            instructions=detail.instructions,
            tone=detail.tone,
            drivers=detail.drivers,
            messages=[
                RenderedMessageRead(
                    channel=message.channel,
                    subject=message.subject,
                    body=message.body,
                    missing=list(message.missing),
                )
                for message in detail.messages
            ],
        )


class EscalationRead(BaseModel):
    """An escalation as listed: which task, for whom, to whom, why and when."""

    id: int
    task_id: int
    task_title: str
    company_name: str
    playbook_name: str
    level: int
    target: str
    reason: str
    detail: str
    escalated_at: datetime
