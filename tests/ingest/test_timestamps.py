from datetime import UTC, date, datetime

import pytest

from cspersona.ingest.timestamps import DateReading, NotADate

PARIS_DAY_FIRST = DateReading.named("Europe/Paris", dayfirst=True)
UTC_MONTH_FIRST = DateReading()


@pytest.mark.parametrize(
    ("value", "reading", "expected"),
    [
        ("2025-03-04T10:15:00+00:00", UTC_MONTH_FIRST, datetime(2025, 3, 4, 10, 15)),
        ("2025-03-04T10:15:00Z", UTC_MONTH_FIRST, datetime(2025, 3, 4, 10, 15)),
        ("2025-03-04T12:15:00+02:00", UTC_MONTH_FIRST, datetime(2025, 3, 4, 10, 15)),
        ("2025-03-04 10:15", PARIS_DAY_FIRST, datetime(2025, 3, 4, 9, 15)),
        ("04/03/2025 10:15", PARIS_DAY_FIRST, datetime(2025, 3, 4, 9, 15)),
        ("04/03/2025 10:15", UTC_MONTH_FIRST, datetime(2025, 4, 3, 10, 15)),
        ("March 4, 2025 10:15 PM PST", UTC_MONTH_FIRST, datetime(2025, 3, 5, 6, 15)),
        ("Tue, 04 Mar 2025 10:15:00 +0100", UTC_MONTH_FIRST, datetime(2025, 3, 4, 9, 15)),
        ("4 Mar 2025 10:15 CET", UTC_MONTH_FIRST, datetime(2025, 3, 4, 9, 15)),
        ("1741083300", UTC_MONTH_FIRST, datetime(2025, 3, 4, 10, 15)),
        ("1741083300000", UTC_MONTH_FIRST, datetime(2025, 3, 4, 10, 15)),
        (1741083300, UTC_MONTH_FIRST, datetime(2025, 3, 4, 10, 15)),
        (datetime(2025, 3, 4, 11, 15), PARIS_DAY_FIRST, datetime(2025, 3, 4, 10, 15)),
    ],
)
def test_timestamps_in_mixed_formats_and_zones_become_utc(
    value: object, reading: DateReading, expected: datetime
) -> None:
    assert reading.timestamp(value) == expected.replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("yesterday", "'yesterday' is not a date or time; write ISO 8601"),
        ("31/02/2025", "is not a date or time"),
        ("", "the value is empty"),
        ("1899-01-01", "is outside 1970–2100"),
        (True, "True is not a date or time"),
    ],
)
def test_non_dates_are_refused(value: object, message: str) -> None:
    with pytest.raises(NotADate, match=message):
        UTC_MONTH_FIRST.timestamp(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03-04", date(2025, 3, 4)),
        ("04/03/2025", date(2025, 3, 4)),
        ("2025-03-04T23:30:00-05:00", date(2025, 3, 4)),
        (date(2025, 3, 4), date(2025, 3, 4)),
    ],
)
def test_days_keep_their_own_calendar_date(value: object, expected: date) -> None:
    assert PARIS_DAY_FIRST.day(value) == expected


def test_an_impossible_iso_day_is_refused() -> None:
    with pytest.raises(NotADate, match="'2025-02-30' is not a valid day"):
        UTC_MONTH_FIRST.day("2025-02-30")
