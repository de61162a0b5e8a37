from cspersona.config import load_settings
from cspersona.pii.anonymizer import PiiRedactor
from cspersona.pii.entities import EntityType

TEXT = "Hi, I'm Sarah Miller: card 4111 1111 1111 1111, mail sarah.miller@acme.com"


def test_default_operators_pseudonymise_people_and_tag_numbers() -> None:
    redacted = PiiRedactor.from_settings(load_settings(secret_key="k")).redact(TEXT)

    assert "Sarah" not in redacted and "Miller" not in redacted
    assert "[card number]" in redacted
    assert "@example.com" in redacted and "acme" not in redacted


def test_operators_are_configured_per_type() -> None:
    settings = load_settings(pii_operators={"PERSON": "replace", "CREDIT_CARD": "mask"})

    redacted = PiiRedactor.from_settings(settings).redact(TEXT)

    assert redacted.startswith("Hi, I'm [name]: card **** **** **** ****, mail ")
    assert redacted.endswith("@example.com")  # e-mail keeps its default operator


def test_one_operator_can_override_every_type() -> None:
    redacted = PiiRedactor.from_settings(load_settings(), operator="replace").redact(TEXT)

    assert redacted == "Hi, I'm [name]: card [card number], mail [email]"


def test_types_left_out_of_pii_entities_are_kept() -> None:
    settings = load_settings(pii_entities=["EMAIL_ADDRESS"])

    redactor = PiiRedactor.from_settings(settings)

    assert redactor.redact(TEXT) == TEXT.replace(
        "sarah.miller@acme.com", redactor.redact("sarah.miller@acme.com")
    )
    assert [span.entity_type for span in redactor.detect(TEXT)] == [EntityType.EMAIL_ADDRESS]


def test_text_without_pii_is_returned_unchanged() -> None:
    text = "The dashboard export is slow since Tuesday's release."

    assert PiiRedactor.from_settings(load_settings()).redact(text) == text
