"""A CSM starts a playbook for a customer of their book by hand, and hears what happened in words.

Hand entries go through ``enrolment.enter`` like triggered ones, so the arm, the re-entry limit
and "already in" hold the same way; the reason is ``manual`` and the entry names who started it.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from cspersona.auth.policy import Principal
from cspersona.customers import service as customers_service
from cspersona.customers.access import authorize_customer
from cspersona.exceptions import Conflict
from cspersona.playbooks import service
from cspersona.playbooks.definition import TriggerKind
from cspersona.playbooks.enrolment import Entry, EntryResult, enter, open_enrolment
from cspersona.playbooks.models import Enrolment, Playbook, PlaybookStatus, Task
from cspersona.playbooks.wording import day_words, reentry_words


@dataclass(frozen=True)
class ManualEntry:
    """What starting the playbook did, in a word and in a sentence."""

    result: EntryResult
    message: str
    enrolment: Enrolment | None


def enter_by_hand(
    db_session: Session,
    *,
    playbook_id: int,
    customer_id: int,
    by: Principal,
    note: str | None,
    at: datetime,
) -> ManualEntry:
    """Enter a customer the caller may see; :class:`Conflict` unless the playbook is active."""
    playbook = service.get(db_session=db_session, playbook_id=playbook_id)
    customer = authorize_customer(
        by, customers_service.get(db_session=db_session, customer_id=customer_id)
    )
    if playbook.status is not PlaybookStatus.ACTIVE:
        raise Conflict(
            f"playbook “{playbook.name}” is {playbook.status}: only active playbooks take "
            "customers; activate it first"
        )
    note = (note or "").strip()
    detail = f"started by hand by {by.user_name}" + (f": {note}" if note else "")
    current = open_enrolment(db_session, playbook_id=playbook.id, customer_id=customer.id)
    if current is not None and not note:
        detail = current.detail  # a second start without a word keeps why it is in
    entry = enter(
        db_session,
        playbook=playbook,
        customer=customer,
        reason=TriggerKind.MANUAL.value,
        detail=detail,
        at=at,
        entered_by=by.user_name,
    )
    message = describe(entry, company=customer.company_name, playbook=playbook)
    return ManualEntry(entry.result, message, entry.enrolment)


def describe(entry: Entry, *, company: str, playbook: Playbook) -> str:
    """What an entry attempt did, as a sentence for a CSM."""
    enrolment = entry.enrolment
    name = playbook.name
    if entry.result is EntryResult.ENTERED and enrolment is not None:
        tasks: list[Task] = enrolment.tasks
        first = min(tasks, key=lambda task: task.due_on) if tasks else None
        due = f", the first due {day_words(first.due_on)} for {first.owner}" if first else ""
        created = "1 task" if len(tasks) == 1 else f"{len(tasks)} tasks"
        return f"{company} entered “{name}”: {created} created{due}."
    if entry.result is EntryResult.HELD_BACK:
        return (
            f"{company} entered “{name}” but is held back as its control group: no tasks, so "
            "its churn can be compared with that of the customers who get the playbook."
        )
    if entry.result is EntryResult.UPDATED and enrolment is not None:
        return (
            f"{company} is already in “{name}” (since {day_words(enrolment.entered_at.date())}); "
            "its tasks stay as they are."
        )
    limit = reentry_words(playbook.definition.reentry)
    return f"{company} was not entered: “{name}” takes a customer {limit}; it has reached that."
