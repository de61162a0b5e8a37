from cspersona.pii.analyzer import PiiAnalyzer, resolve_overlaps
from cspersona.pii.entities import EntityType, Span


def test_analyzer_finds_each_kind_in_one_message() -> None:
    text = (
        "Hi, this is Sarah Miller (sarah.miller@acme.com, +44 20 7946 0958). "
        "Card 4111 1111 1111 1111 was charged; IBAN GB82WEST12345698765432."
    )

    found = {
        (span.entity_type, text[span.start : span.end]) for span in PiiAnalyzer().analyze(text)
    }

    assert found == {
        (EntityType.PERSON, "Sarah Miller"),
        (EntityType.EMAIL_ADDRESS, "sarah.miller@acme.com"),
        (EntityType.PHONE_NUMBER, "+44 20 7946 0958"),
        (EntityType.CREDIT_CARD, "4111 1111 1111 1111"),
        (EntityType.IBAN_CODE, "GB82WEST12345698765432"),
    }


def test_entities_limit_what_is_detected() -> None:
    text = "Sarah Miller, sarah.miller@acme.com"

    spans = PiiAnalyzer(entities=[EntityType.EMAIL_ADDRESS]).analyze(text)

    assert [span.entity_type for span in spans] == [EntityType.EMAIL_ADDRESS]


def test_empty_text_has_no_spans() -> None:
    assert PiiAnalyzer().analyze("") == []


def test_the_more_specific_type_wins_an_overlap() -> None:
    email = Span(EntityType.EMAIL_ADDRESS, 0, 20, 0.5)
    person = Span(EntityType.PERSON, 0, 12, 0.99)

    assert resolve_overlaps([person, email], "x" * 20) == [email]


def test_an_address_is_cut_around_a_card_number_not_dropped() -> None:
    text = "27534 Thorsgata 63, 4111111111111111"
    address = Span(EntityType.STREET_ADDRESS, 0, len(text), 0.8)
    card = Span(EntityType.CREDIT_CARD, 20, len(text), 0.9)

    kept = resolve_overlaps([address, card], text)

    assert [(s.entity_type, text[s.start : s.end]) for s in kept] == [
        (EntityType.STREET_ADDRESS, "27534 Thorsgata 63"),
        (EntityType.CREDIT_CARD, "4111111111111111"),
    ]
