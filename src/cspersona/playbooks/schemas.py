"""What the API, CLI and pages exchange about playbooks and tasks."""

from datetime import date, datetime

from pydantic import BaseModel

from cspersona.playbooks.definition import PlaybookDefinition, TriggerKind
from cspersona.playbooks.models import Playbook, PlaybookStatus, TaskStatus
from cspersona.playbooks.queue import QueuedTask


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


class PlannedTaskRead(BaseModel):
    """A task a dry run would have created."""

    title: str
    owner: str
    due_on: date


class DryRunRow(BaseModel):
    """One customer a dry run would have entered into a playbook, with the tasks it would get."""

    entered_on: date
    customer_id: int
    company_name: str
    playbook_id: int
    playbook_name: str
    arm: str
    reason: str
    detail: str
    tasks: list[PlannedTaskRead]


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
