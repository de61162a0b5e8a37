import pytest

from cspersona.pii.checksums import iban_valid, luhn_valid


@pytest.mark.parametrize(
    ("digits", "valid"),
    [("4111111111111111", True), ("4111111111111112", False), ("79927398713", True), ("0", True)],
)
def test_luhn(digits: str, valid: bool) -> None:
    assert luhn_valid(digits) is valid


@pytest.mark.parametrize(
    ("iban", "valid"),
    [
        ("GB82WEST12345698765432", True),
        ("gb82west12345698765432", True),
        ("DE89370400440532013000", True),
        ("GB82WEST1234569876543", False),  # one character short for GB
        ("XX82WEST12345698765432", False),  # no such country
        ("DE89370400440532013001", False),  # check digits do not match
    ],
)
def test_iban(iban: str, valid: bool) -> None:
    assert iban_valid(iban) is valid
