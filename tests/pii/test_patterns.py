import pytest

from cspersona.pii.entities import EntityType
from cspersona.pii.patterns import (
    CreditCardRecognizer,
    EmailRecognizer,
    IbanRecognizer,
    IpAddressRecognizer,
    SecretRecognizer,
    SecretUrlRecognizer,
    UsSsnRecognizer,
)
from cspersona.pii.recognizer import AnalysisContext, Recognizer


def found(recognizer: Recognizer, text: str) -> list[str]:
    return [text[span.start : span.end] for span in recognizer.analyze(text, AnalysisContext())]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail sarah.miller@acme.co.uk today", ["sarah.miller@acme.co.uk"]),
        ("UtaKortig@jourrapide.com?", ["UtaKortig@jourrapide.com"]),
        ("o'brien+billing@mail.example.org", ["o'brien+billing@mail.example.org"]),
        ("no address @ all, user@localhost", []),
    ],
)
def test_email(text: str, expected: list[str]) -> None:
    assert found(EmailRecognizer(), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("blocked from 86.121.97.248 again", ["86.121.97.248"]),
        ("server 2001:db8::8a2e:370:7334 is down", ["2001:db8::8a2e:370:7334"]),
        ("version 1.2.3.4.5 and 999.1.1.1", []),
        ("meeting at 10:30:00", []),
    ],
)
def test_ip_address(text: str, expected: list[str]) -> None:
    assert found(IpAddressRecognizer(), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Here's my SSN: 460-89-9847", ["460-89-9847"]),
        ("ssn 460899847 on file", ["460899847"]),
        ("area 000-12-3456, 666-12-3456 and 912-12-3456 are never issued", []),
        ("order 460899847 shipped", []),
        ("mixed separators 460-89 9847", []),
    ],
)
def test_us_ssn(text: str, expected: list[str]) -> None:
    assert found(UsSsnRecognizer(), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("card 4111 1111 1111 1111 was charged", ["4111 1111 1111 1111"]),
        ("cc 4007070753690781 on my e-mail", ["4007070753690781"]),
        ("amex 3782-822463-10005", ["3782-822463-10005"]),
        ("maestro 630427373398 lost", ["630427373398"]),
        ("fails Luhn: 4111 1111 1111 1112", []),
        ("one digit repeated 0000000000000000", []),
        ("order 55512345678", []),
    ],
)
def test_credit_card(text: str, expected: list[str]) -> None:
    assert found(CreditCardRecognizer(), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IBAN GB82WEST12345698765432 please", ["GB82WEST12345698765432"]),
        ("to DE89 3704 0044 0532 0130 00 please", ["DE89 3704 0044 0532 0130 00"]),
        ("lower case gb82west12345698765432", ["gb82west12345698765432"]),
        ("bad check digits GB83WEST12345698765432", []),
        ("wrong length DE89370400440532013", []),
    ],
)
def test_iban(text: str, expected: list[str]) -> None:
    assert found(IbanRecognizer(), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "reset via https://app.example.com/reset?token=abc123def456ghi789jkl0 now.",
            ["https://app.example.com/reset?token=abc123def456ghi789jkl0"],
        ),
        ("ftp://admin:hunter2@files.example.com/x", ["ftp://admin:hunter2@files.example.com/x"]),
        (
            "https://hooks.example.com/services/T0001/B0002/XXXXXXXXXXXXXXXXXXXXXXXX1a",
            ["https://hooks.example.com/services/T0001/B0002/XXXXXXXXXXXXXXXXXXXXXXXX1a"],
        ),
        ("docs at https://www.example.com/help/getting-started?lang=en", []),
    ],
)
def test_url_with_a_secret(text: str, expected: list[str]) -> None:
    assert found(SecretUrlRecognizer(), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("use sk_live_4eC39HqLyjWDarjtT1zdp7dc now", ["sk_live_4eC39HqLyjWDarjtT1zdp7dc"]),
        ("key AKIAIOSFODNN7EXAMPLE leaked", ["AKIAIOSFODNN7EXAMPLE"]),
        (
            "token ghp_abcdefghijklmnopqrstuvwxyz0123456789",
            ["ghp_abcdefghijklmnopqrstuvwxyz0123456789"],
        ),
        ("password: hunter22.", ["hunter22"]),
        ('api_key="Zx81-qq09-Lm22"', ["Zx81-qq09-Lm22"]),
        ("the password is expired", []),
        (
            "Bearer eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.SflKxwRJSMeKKF2QT4",
            ["eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.SflKxwRJSMeKKF2QT4"],
        ),
    ],
)
def test_secret(text: str, expected: list[str]) -> None:
    assert found(SecretRecognizer(), text) == expected


def test_every_recognizer_declares_the_type_it_returns() -> None:
    text = "x sk_live_4eC39HqLyjWDarjtT1zdp7dc a@b.co 86.121.97.248 GB82WEST12345698765432"
    for recognizer in (
        SecretRecognizer(),
        EmailRecognizer(),
        IpAddressRecognizer(),
        IbanRecognizer(),
    ):
        spans = recognizer.analyze(text, AnalysisContext())
        assert spans and {span.entity_type for span in spans} <= set(recognizer.entities)
        assert all(isinstance(span.entity_type, EntityType) for span in spans)
