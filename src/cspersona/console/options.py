"""Parsing command-line values that several command groups accept."""

from datetime import UTC, date, datetime

from cspersona.exceptions import BadInput


def parse_as_of(value: str | None, option: str = "--as-of") -> datetime | None:
    """An ISO date (midnight UTC) or datetime (UTC if it names no zone), or None.

    ``option`` names the option in the error a malformed value gets.
    """
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadInput(f"{option} must be an ISO date such as 2025-06-01, not {value!r}") from None
    if len(value) == len(date.today().isoformat()):
        moment = datetime.combine(moment.date(), datetime.min.time())
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
