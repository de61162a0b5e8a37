"""Reporting periods: quarters and months, and the default of the last complete quarter."""

import re
from datetime import date

import pytest

from cspersona.exceptions import BadInput
from cspersona.roi.period import (
    PERIOD_PATTERN,
    last_complete_quarter,
    month_before,
    months,
    parse_period,
)
from cspersona.roi.summary import Period


def test_a_quarter_runs_from_its_first_day_to_the_day_after_its_last() -> None:
    assert parse_period("2025-q3") == Period("2025-Q3", date(2025, 7, 1), date(2025, 10, 1))
    assert parse_period("2025-Q4").end == date(2026, 1, 1)


def test_a_month_is_a_period_of_its_own() -> None:
    assert parse_period("2025-12") == Period("2025-12", date(2025, 12, 1), date(2026, 1, 1))
    assert months(parse_period("2025-Q1")) == [date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)]


@pytest.mark.parametrize(
    "text", ["2025-Q5", "2025-13", "Q3 2025", "", "2025", "0000-Q1", "9999-12"]
)
def test_anything_else_is_refused_with_the_forms_that_work(text: str) -> None:
    with pytest.raises(BadInput, match="such as 2025-Q3 or a month such as 2025-09"):
        parse_period(text)


def test_the_default_is_the_newest_quarter_that_has_ended() -> None:
    assert last_complete_quarter(date(2025, 12, 31)).label == "2025-Q3"
    assert last_complete_quarter(date(2026, 1, 1)).label == "2025-Q4"
    assert last_complete_quarter(date(2025, 2, 14)).label == "2024-Q4"
    assert month_before(date(2025, 1, 20)) == date(2024, 12, 1)


@pytest.mark.parametrize("text", ["2025-Q3", "2025-q1", "1999-12", "2999-01"])
def test_what_the_api_pattern_admits_is_a_period(text: str) -> None:
    assert re.match(PERIOD_PATTERN, text)
    assert parse_period(text).start.year == int(text[:4])
