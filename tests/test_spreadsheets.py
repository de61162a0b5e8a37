import csv
import io

import pytest

from cspersona.spreadsheets import safe_cell, write_csv


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            '=HYPERLINK("http://evil.example","Click")',
            '\'=HYPERLINK("http://evil.example","Click")',
        ),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("-2+3", "'-2+3"),
        ("\t=1", "'\t=1"),
        ("-12.5", "-12.5"),
        ("+3", "+3"),
        ("plain text", "plain text"),
        (42, "42"),
        (None, ""),
    ],
)
def test_formulas_are_escaped_numbers_and_text_are_not(value: object, expected: str) -> None:
    assert safe_cell(value) == expected


def test_write_csv_escapes_every_cell() -> None:
    buffer = io.StringIO()

    write_csv(buffer, ["=name", "text"], [["a", "=1+1"], ["b", "ok"]])

    assert list(csv.reader(io.StringIO(buffer.getvalue()))) == [
        ["'=name", "text"],
        ["a", "'=1+1"],
        ["b", "ok"],
    ]
