"""Reporting periods: a quarter (``2025-Q3``) or a month (``2025-09``)."""

import re
from datetime import date

from cspersona.exceptions import BadInput
from cspersona.roi.summary import Period

# What the API accepts, as a pattern its schema publishes: years 1900 to 2999.
PERIOD_PATTERN = r"^(19|2\d)\d{2}-([Qq][1-4]|0[1-9]|1[0-2])$"
_QUARTER = re.compile(r"^((?:19|2\d)\d{2})-Q([1-4])$")
_MONTH = re.compile(r"^((?:19|2\d)\d{2})-(0[1-9]|1[0-2])$")


def parse_period(text: str) -> Period:
    """The period ``text`` names; a clear error for anything else."""
    cleaned = text.strip().upper()
    if match := _QUARTER.match(cleaned):
        year, quarter = int(match[1]), int(match[2])
        return Period(cleaned, date(year, 3 * quarter - 2, 1), _month_after(year, 3 * quarter))
    if match := _MONTH.match(cleaned):
        year, month = int(match[1]), int(match[2])
        return Period(cleaned, date(year, month, 1), _month_after(year, month))
    raise BadInput(
        f"'{text}' is not a period: give a quarter such as 2025-Q3 or a month such as 2025-09"
    )


def last_complete_quarter(today: date) -> Period:
    """The newest quarter that ended on or before ``today``: what a report covers by default."""
    quarter = (today.month - 1) // 3  # the current quarter's number minus one
    year = today.year if quarter else today.year - 1
    return parse_period(f"{year}-Q{quarter or 4}")


def months(period: Period) -> list[date]:
    """The first day of each month the period covers."""
    firsts = []
    day = period.start
    while day < period.end:
        firsts.append(day)
        day = _month_after(day.year, day.month)
    return firsts


def month_before(day: date) -> date:
    """The first day of the month before ``day``'s month."""
    return date(day.year - 1, 12, 1) if day.month == 1 else date(day.year, day.month - 1, 1)


def _month_after(year: int, month: int) -> date:
    return date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
