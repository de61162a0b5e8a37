import pytest

from cspersona.pii.phones import PhoneRecognizer
from cspersona.pii.recognizer import AnalysisContext


def phones(text: str) -> list[str]:
    return [text[s.start : s.end] for s in PhoneRecognizer().analyze(text, AnalysisContext())]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call me at +44 20 7946 0958 today", ["+44 20 7946 0958"]),
        ("dial 0033 1 42 68 53 00", ["0033 1 42 68 53 00"]),
        ("my registered 905-674-3793. Could you", ["905-674-3793"]),
        ("Mobile: 03.93.92.16.85", ["03.93.92.16.85"]),
        ("Phone:\n60-56-85-91", ["60-56-85-91"]),
        ("office (37) 788-063 or 0490 75 40 81", ["(37) 788-063", "0490 75 40 81"]),
        ("Fax: 345-899-3560x4587", ["345-899-3560x4587"]),
        ("phone 5551234", ["5551234"]),
        ("+99 123 not a plan", []),
        ("When: 2000-04-16 11:34:35", []),
        ("order 4512345 shipped", []),
        ("total 1,234,567.89 EUR", []),
        ("see 12/03/2024 and 2024-03-12", []),
    ],
)
def test_phone_numbers(text: str, expected: list[str]) -> None:
    assert phones(text) == expected
