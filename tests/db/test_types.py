from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from cspersona.ingest.models import IngestionRun


def test_datetimes_come_back_aware_and_in_utc(db_session: Session) -> None:
    paris_summer = timezone(timedelta(hours=2))
    run = IngestionRun(source="csv", started_at=datetime(2026, 6, 1, 14, 30, tzinfo=paris_summer))
    db_session.add(run)
    db_session.flush()
    db_session.expire_all()

    stored = db_session.scalars(select(IngestionRun.started_at).where(IngestionRun.id == run.id))

    assert stored.one() == datetime(2026, 6, 1, 12, 30, tzinfo=UTC)


def test_naive_datetimes_are_refused(db_session: Session) -> None:
    db_session.add(IngestionRun(source="csv", started_at=datetime(2026, 6, 1, 14, 30)))

    with pytest.raises(StatementError, match="has no time zone"):
        db_session.flush()
