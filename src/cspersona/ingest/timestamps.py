"""Timestamps and days as exports write them: ISO 8601, US and European styles, epochs, zones.

ISO 8601 goes through :meth:`datetime.fromisoformat` (fast); anything else through dateutil,
which knows month names and zone abbreviations given here. A value without a zone gets the
configured one (``CSPERSONA_INGEST_TIMEZONE``); the result is always aware UTC.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from dateutil import parser as dateutil_parser

EPOCH = re.compile(r"^\d{9,13}(?:\.\d+)?$")
MIN_YEAR, MAX_YEAR = 1970, 2100


def _hours(value: float) -> timezone:
    return timezone(timedelta(hours=value))


# Abbreviations dateutil does not know by itself (it knows UTC, GMT and Z).
ZONE_ABBREVIATIONS: dict[str, tzinfo] = {
    "EST": _hours(-5), "EDT": _hours(-4), "CST": _hours(-6), "CDT": _hours(-5),
    "MST": _hours(-7), "MDT": _hours(-6), "PST": _hours(-8), "PDT": _hours(-7),
    "AKST": _hours(-9), "AKDT": _hours(-8), "HST": _hours(-10), "WET": _hours(0),
    "WEST": _hours(1), "BST": _hours(1), "CET": _hours(1), "CEST": _hours(2),
    "EET": _hours(2), "EEST": _hours(3), "MSK": _hours(3), "IST": _hours(5.5),
    "SGT": _hours(8), "HKT": _hours(8), "JST": _hours(9), "KST": _hours(9),
    "AEST": _hours(10), "AEDT": _hours(11), "NZST": _hours(12), "NZDT": _hours(13),
}  # fmt: skip


class NotADate(ValueError):
    """A value that is no recognisable date or time."""


@dataclass(frozen=True)
class DateReading:
    """How to read dates: the zone of naive times, and day-first for 04/03/2025."""

    zone: tzinfo = UTC
    dayfirst: bool = False

    @classmethod
    def named(cls, zone: str, *, dayfirst: bool) -> "DateReading":
        """A reading for an IANA zone name (validated by the settings)."""
        return cls(ZoneInfo(zone), dayfirst)

    def timestamp(self, value: object) -> datetime:
        """An aware UTC datetime, or :class:`NotADate`."""
        if isinstance(value, datetime):
            parsed = value
        elif isinstance(value, int | float) and not isinstance(value, bool):
            parsed = self._epoch(float(value))
        elif isinstance(value, str):
            parsed = self._parse(value.strip())
        else:
            raise NotADate(f"{value!r} is not a date or time")
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=self.zone)
        parsed = parsed.astimezone(UTC)
        if not MIN_YEAR <= parsed.year <= MAX_YEAR:
            raise NotADate(f"{value!r} is outside {MIN_YEAR}–{MAX_YEAR}")
        return parsed

    def day(self, value: object) -> date:
        """A calendar day; a timestamp counts by its own date, not converted to UTC."""
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                raise NotADate(f"{value!r} is not a valid day") from None
        if isinstance(value, str):
            return self._parse(value.strip()).date()
        return self.timestamp(value).date()

    def _parse(self, text: str) -> datetime:
        if not text:
            raise NotADate("the value is empty")
        if EPOCH.match(text):
            return self._epoch(float(text))
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            pass
        try:
            return dateutil_parser.parse(text, dayfirst=self.dayfirst, tzinfos=ZONE_ABBREVIATIONS)
        except (ValueError, OverflowError):
            raise NotADate(
                f"{text[:40]!r} is not a date or time; write ISO 8601, e.g. "
                "2025-03-04T10:15:00+00:00"
            ) from None

    @staticmethod
    def _epoch(seconds: float) -> datetime:
        """Unix time in seconds, or in milliseconds when it is too large for seconds."""
        if seconds > 10**11:
            seconds /= 1000
        return datetime.fromtimestamp(seconds, UTC)
