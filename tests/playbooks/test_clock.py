"""The playbooks' clock: the data's latest day when the data stops earlier than now."""

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from cspersona.db.types import utc_now
from cspersona.playbooks.clock import work_clock, work_day
from tests.factories import add_customer, add_nps


def test_an_empty_book_runs_on_now(db_session: Session) -> None:
    before = utc_now()
    assert before <= work_clock(db_session) <= utc_now()


def test_a_book_whose_data_stops_earlier_runs_at_the_end_of_its_last_day(
    db_session: Session,
) -> None:
    add_nps(
        db_session,
        add_customer(db_session, "Acme"),
        8,
        answered_at=datetime(2025, 3, 2, 9, tzinfo=UTC),
    )

    assert work_day(db_session) == date(2025, 3, 2)
    assert work_clock(db_session).isoformat().startswith("2025-03-02T23:59:59")
