"""Replay history to see who a playbook would have entered, without writing anything.

Every event of the last ``days`` days is replayed in date order through the real
:func:`enrolment.enter` (so dedupe, re-entry limits, arms, owners and due dates are exactly the
run's), inside a savepoint that is always rolled back. An entry of the replay is taken to end
once its last task falls due (tasks done on time), so re-entry limits come into play.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cspersona.customers.models import Customer
from cspersona.playbooks import enrolment
from cspersona.playbooks.clock import work_clock
from cspersona.playbooks.models import Enrolment, Playbook, PlaybookStatus, Task
from cspersona.playbooks.states import load_source
from cspersona.playbooks.triggers import TriggerEvent, find_events, matches

DEFAULT_DAYS = 180
REPLAY_ENDED = "replay: tasks taken as done when due"


class PlannedTask(BaseModel):
    """A task the replay would have created."""

    title: str
    owner: str
    due_on: date


class DryRunEntry(BaseModel):
    """One customer who would have entered one playbook, with the tasks it would have got."""

    entered_on: date
    customer_id: int
    company_name: str
    playbook_id: int
    playbook_name: str
    arm: str
    reason: str
    detail: str
    tasks: list[PlannedTask]


@dataclass
class DryRunReport:
    """Who would have entered what over the window, and what else the triggers did."""

    start: date
    end: date
    entries: list[DryRunEntry]
    events: int = 0
    updated: int = 0
    limited: int = 0
    not_matching: int = 0

    def words(self) -> str:
        """The replay in one line of words."""
        treated = sum(1 for entry in self.entries if entry.arm == "treated")
        held_back = len(self.entries) - treated
        tasks = sum(len(entry.tasks) for entry in self.entries)
        return (
            f"{self.start} to {self.end}: {self.events} trigger events, "
            f"{len(self.entries)} entries "
            f"({treated} treated, {held_back} held back) with {tasks} tasks; "
            f"{self.updated} already in, {self.limited} stopped by re-entry limits, "
            f"{self.not_matching} outside the persona or entry criteria"
        )


def replay_end(db_session: Session) -> datetime:
    """Where a replay ends: at the playbooks' clock (now, or the data's latest day if earlier)."""
    return work_clock(db_session)


def dry_run(
    db_session: Session,
    *,
    at: datetime,
    days: int = DEFAULT_DAYS,
    playbook_id: int | None = None,
) -> DryRunReport:
    """Replay ``days`` days before ``at`` for active playbooks (or the one given, in any status)."""
    start = at - timedelta(days=days)
    statement = select(Playbook).order_by(Playbook.id)
    if playbook_id is None:
        statement = statement.where(Playbook.status == PlaybookStatus.ACTIVE)
    else:
        statement = statement.where(Playbook.id == playbook_id)
    playbooks = list(db_session.scalars(statement))
    events: list[tuple[TriggerEvent, Playbook]] = []
    for playbook in playbooks:
        for event in find_events(db_session, playbook.definition.trigger, since=start, until=at):
            events.append((event, playbook))
    events.sort(key=lambda pair: (max(pair[0].at, start), pair[1].id, pair[0].customer_id))
    report = DryRunReport(start=start.date(), end=at.date(), entries=[], events=len(events))
    source = load_source(db_session)
    customers = {
        customer.id: customer
        for customer in db_session.scalars(
            select(Customer).where(Customer.id.in_({event.customer_id for event, _ in events}))
        )
    }
    last_step = {playbook.id: playbook.definition.steps[-1].due_days for playbook in playbooks}
    savepoint = db_session.begin_nested()
    try:
        # The replay asks what the playbooks would have done from the window's start: entries
        # made since (real or by hand) would only make every replayed event "already in".
        db_session.execute(
            delete(Enrolment).where(
                Enrolment.playbook_id.in_([playbook.id for playbook in playbooks]),
                Enrolment.entered_at > start,
            )
        )
        # Each replayed entry and the day its last task falls due, while it is still open.
        running: dict[int, tuple[Enrolment, date]] = {}
        entered: list[tuple[Enrolment, Customer, Playbook, TriggerEvent, datetime]] = []
        for event, playbook in events:
            moment = max(event.at, start)
            _end_finished(db_session, running, moment)
            customer = customers.get(event.customer_id)
            if customer is None or not matches(playbook, source, customer.id, moment):
                report.not_matching += 1
                continue
            entry = enrolment.enter(
                db_session,
                playbook=playbook,
                customer=customer,
                reason=event.kind.value,
                detail=event.detail,
                at=moment,
            )
            if entry.result is enrolment.EntryResult.UPDATED:
                report.updated += 1
            elif entry.result is enrolment.EntryResult.LIMITED:
                report.limited += 1
            elif entry.enrolment is not None:
                last_due = moment.date() + timedelta(days=last_step[playbook.id])
                running[entry.enrolment.id] = (entry.enrolment, last_due)
                entered.append((entry.enrolment, customer, playbook, event, moment))
        report.entries = _planned(db_session, entered)
    finally:
        savepoint.rollback()
    return report


def _end_finished(
    db_session: Session, running: dict[int, tuple[Enrolment, date]], moment: datetime
) -> None:
    """Close replayed entries whose last task fell due before ``moment``."""
    finished = [key for key, (_, last_due) in running.items() if last_due < moment.date()]
    for key in finished:
        entry, _ = running.pop(key)
        entry.exited_at = moment
        entry.exit_reason = REPLAY_ENDED
    if finished:
        db_session.flush()


def _planned(
    db_session: Session,
    entered: list[tuple[Enrolment, Customer, Playbook, TriggerEvent, datetime]],
) -> list[DryRunEntry]:
    """The replayed entries as plain data that outlives the rollback (tasks in one query)."""
    tasks: dict[int, list[PlannedTask]] = defaultdict(list)
    for task in db_session.scalars(
        select(Task)
        .where(Task.enrolment_id.in_([entry.id for entry, *_ in entered]))
        .order_by(Task.enrolment_id, Task.step_index)
    ):
        tasks[task.enrolment_id].append(
            PlannedTask(title=task.title, owner=task.owner, due_on=task.due_on)
        )
    return [
        DryRunEntry(
            entered_on=moment.date(),
            customer_id=customer.id,
            company_name=customer.company_name,
            playbook_id=playbook.id,
            playbook_name=playbook.name,
            arm=entry.arm.value,
            reason=event.kind.value,
            detail=event.detail,
            tasks=tasks.get(entry.id, []),
        )
        for entry, customer, playbook, event, moment in entered
    ]
