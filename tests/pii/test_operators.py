import re

import pytest

from cspersona.pii.entities import EntityType
from cspersona.pii.gazetteer import load_gazetteer
from cspersona.pii.operators import KeyedHash, Pseudonymize, make_operator, normalise


@pytest.mark.parametrize(
    ("operator", "value", "entity_type", "expected"),
    [
        ("replace", "sarah@acme.com", EntityType.EMAIL_ADDRESS, "[email]"),
        ("mask", "4111-1111", EntityType.CREDIT_CARD, "****-****"),
        ("mask", "Sarah Miller", EntityType.PERSON, "***** ******"),
    ],
)
def test_simple_operators(
    operator: str, value: str, entity_type: EntityType, expected: str
) -> None:
    assert make_operator(operator, secret_key="k").operate(value, entity_type) == expected


def test_hash_is_keyed_stable_and_normalised() -> None:
    first = make_operator("hash", secret_key="k1")
    second = make_operator("hash", secret_key="k2")

    tag = first.operate("Sarah Miller", EntityType.PERSON)

    assert tag.startswith("<PERSON:") and len(tag) == len("<PERSON:>") + 16
    assert first.operate("  sarah   MILLER ", EntityType.PERSON) == tag
    assert second.operate("Sarah Miller", EntityType.PERSON) != tag


def test_pseudonyms_are_consistent_across_name_forms_and_instances() -> None:
    one, other = Pseudonymize(KeyedHash("k")), Pseudonymize(KeyedHash("k"))

    full = one.person("Sarah Miller")
    given, family = full.split(" ")

    assert other.person("Sarah Miller") == full
    assert one.person("Sarah") == given
    assert one.person("Miller") == family
    assert one.person("Šárka") == one.person("Sarka")
    assert given in load_gazetteer().pseudonym_first_names
    assert family in load_gazetteer().pseudonym_last_names
    assert Pseudonymize(KeyedHash("another key")).person("Sarah Miller") != full


def test_pseudonyms_keep_initials_and_separators() -> None:
    pseudonym = Pseudonymize(KeyedHash("k")).person("Faina D. Yefremova")

    assert pseudonym.count(" ") == 2 and ". " in pseudonym
    assert "Faina" not in pseudonym and "Yefremova" not in pseudonym


@pytest.mark.parametrize(
    ("entity_type", "value", "pattern"),
    [
        (EntityType.EMAIL_ADDRESS, "Sarah.Miller@Acme.com", r"^[a-z'-]+\.[a-z'-]+@example\.com$"),
        (EntityType.PHONE_NUMBER, "+44 20 7946 0958", r"^\+1 555 01\d\d \d\d$"),
        (EntityType.IBAN_CODE, "GB82WEST12345698765432", r"^\[bank account\]$"),
    ],
)
def test_pseudonym_shapes(entity_type: EntityType, value: str, pattern: str) -> None:
    operator = make_operator("pseudonymize", secret_key="k")

    result = operator.operate(value, entity_type)

    assert re.match(pattern, result), result
    assert operator.operate(value.lower(), entity_type) == result


def test_unknown_operator_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown PII operator 'shred'"):
        make_operator("shred", secret_key="k")


def test_normalise() -> None:
    assert normalise("  Šárka \t OTTOVÁ ") == "sarka ottova"
