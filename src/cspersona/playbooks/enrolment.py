"""Entering a customer into a playbook: one open entry per customer, re-entry limits, arms, tasks.

This is the one way in, for triggers, dry runs and CSMs alike, so the rules hold everywhere:
- a trigger for a customer already in the playbook updates that entry (Gainsight's "update the
  open CTA for the same account and reason") instead of creating tasks twice;
- a customer enters at most ``reentry.times`` times in any ``reentry.days`` days;
- the arm comes from a stable draw; a held-back customer is recorded but gets no tasks.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspersona.customers.models import Customer
from cspersona.interventions import service as interventions
from cspersona.interventions.models import InterventionKind, InterventionSource
from cspersona.playbooks.assignment import assign_arm
from cspersona.playbooks.models import Arm, Enrolment, Playbook, Task, TaskStatus
from cspersona.playbooks.owners import resolve_owner

# Who the interventions log names for an entry no person made (a trigger).
SYSTEM = "cspersona"


class EntryResult(StrEnum):
    """What a trigger did for one customer."""

    ENTERED = "entered"
    HELD_BACK = "held_back"
    UPDATED = "updated"
    LIMITED = "limited"


@dataclass(frozen=True)
class Entry:
    """The outcome of one attempt to enter a customer, and the entry it touched (if any)."""

    result: EntryResult
    enrolment: Enrolment | None


def open_enrolment(db_session: Session, *, playbook_id: int, customer_id: int) -> Enrolment | None:
    """The customer's current entry into the playbook, if it has not exited."""
    return db_session.scalars(
        select(Enrolment).where(
            Enrolment.playbook_id == playbook_id,
            Enrolment.customer_id == customer_id,
            Enrolment.exited_at.is_(None),
        )
    ).first()


def enter(
    db_session: Session,
    *,
    playbook: Playbook,
    customer: Customer,
    reason: str,
    detail: str,
    at: datetime,
    entered_by: str | None = None,
) -> Entry:
    """Enter ``customer`` into ``playbook`` at ``at`` because of ``reason`` (a trigger kind)."""
    current = open_enrolment(db_session, playbook_id=playbook.id, customer_id=customer.id)
    if current is not None:
        current.last_triggered_at = at
        current.trigger_count += 1
        current.detail = detail
        db_session.flush()
        return Entry(EntryResult.UPDATED, current)
    definition = playbook.definition
    window_start = at - timedelta(days=definition.reentry.days)
    recent_entries = db_session.scalar(
        select(func.count())
        .select_from(Enrolment)
        .where(
            Enrolment.playbook_id == playbook.id,
            Enrolment.customer_id == customer.id,
            Enrolment.entered_at > window_start,
        )
    )
    if (recent_entries or 0) >= definition.reentry.times:
        return Entry(EntryResult.LIMITED, None)
    arm, draw = assign_arm(
        playbook_id=playbook.id, customer_id=customer.id, control_share=definition.control_share
    )
    enrolment = Enrolment(
        playbook_id=playbook.id,
        customer_id=customer.id,
        arm=arm,
        assignment_draw=draw,
        reason=reason,
        detail=detail,
        entered_by=entered_by,
        entered_at=at,
        last_triggered_at=at,
    )
    db_session.add(enrolment)
    db_session.flush()
    interventions.record(
        db_session,
        customer_id=customer.id,
        kind=InterventionKind.ENTERED,
        source=InterventionSource.PLAYBOOK,
        performed_by=entered_by or SYSTEM,
        performed_at=at,
        link=interventions.PlaybookLink(
            playbook_name=playbook.name,
            playbook_id=playbook.id,
            enrolment_id=enrolment.id,
            arm=arm,
        ),
        note=detail,
    )
    if arm is Arm.HELD_BACK:
        return Entry(EntryResult.HELD_BACK, enrolment)
    for index, step in enumerate(definition.steps):
        db_session.add(
            Task(
                enrolment_id=enrolment.id,
                playbook_id=playbook.id,
                customer_id=customer.id,
                step_index=index,
                title=step.title,
                kind=step.kind.value,
                owner=resolve_owner(db_session, step.owner, customer),
                due_on=at.date() + timedelta(days=step.due_days),
                status=TaskStatus.OPEN,
            )
        )
        # Owners by load must see the tasks just created to spread the next ones.
        db_session.flush()
    return Entry(EntryResult.ENTERED, enrolment)


def leave(db_session: Session, *, enrolment: Enrolment, reason: str, at: datetime) -> int:
    """End an entry: its open and snoozed tasks are skipped with ``reason``. Returns how many."""
    enrolment.exited_at = at
    enrolment.exit_reason = reason
    skipped = 0
    for task in enrolment.tasks:
        if not task.is_closed:
            task.status = TaskStatus.SKIPPED
            task.outcome_note = f"Closed automatically: {reason}"
            task.closed_at = at
            skipped += 1
    db_session.flush()
    return skipped
