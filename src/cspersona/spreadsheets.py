"""CSV for spreadsheets without formula injection.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a
formula by Excel, LibreOffice and Google Sheets (``=HYPERLINK("http://evil", "Click")``).
Imported text keeps such values verbatim in the database; every CSV cspersona writes goes
through :func:`write_csv`, which prefixes them with an apostrophe so they display as text (the
OWASP "CSV injection" advice).
"""

import csv
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """The value as CSV text that no spreadsheet evaluates."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    """Negative and signed numbers ("-12.5", "+3") are data, not formulas."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def write_csv(handle: TextIO, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write a header and rows, every cell made safe."""
    writer = csv.writer(handle)
    writer.writerow([safe_cell(name) for name in header])
    writer.writerows([safe_cell(value) for value in row] for row in rows)
