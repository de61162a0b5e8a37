"""The clock playbooks act on: now, or the end of the data's latest day when the data stops earlier.

Triggers read the data, so they enter customers as of the data's latest day, and tasks are due
and overdue by the same day, the convention every page follows for dates read from the data
(docs/web.md). A live book, synced daily, runs on today; a replayed or stale book (the demo's
world ends on its own last day) reads as it did then instead of having every task overdue.
"""

from datetime import UTC, date, datetime, time

from sqlalchemy.orm import Session

from cspersona.customers.status import data_as_of
from cspersona.db.types import utc_now


def work_clock(db_session: Session) -> datetime:
    """The moment triggers, escalations and hand entries act at."""
    now = utc_now()
    latest = data_as_of(db_session)
    if latest is None:
        return now
    return min(now, datetime.combine(latest, time.max, tzinfo=UTC))


def work_day(db_session: Session) -> date:
    """The day tasks are due and overdue by."""
    return work_clock(db_session).date()
