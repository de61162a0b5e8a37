"""Fidelity: a classifier of the members' own messages recognises each persona's replies."""

from cspersona.chat.character import MemberMessage, character_from_messages
from cspersona.chat.engine import OfflineEngine
from cspersona.chat.fidelity import measure_fidelity, persona_classifier
from cspersona.chat.retrieval import SnippetIndex
from tests.chat.conftest import PRICE_MESSAGES, TECH_MESSAGES

# More of each voice: a customer never says a sentence twice, so eight turns need material.
MORE_PRICE = (
    "Hello,\nThe budget for next year was cut and every contract is being reviewed.\nThanks.",
    "Dear team,\nCould you send a breakdown of the licence costs per department?\nKind regards,",
    "Good afternoon,\nOur finance director asked whether an annual prepayment reduces the price.",
    "Hello,\nWe would like to reduce the number of seats at the next renewal.\nMany thanks,",
    "Dear all,\nThe invoice does not match the quote we signed. Please correct the amount.",
)
MORE_TECH = (
    "the bulk endpoint drops rows silently when the batch has over 500 records.",
    "our cron job hits a timeout on the sync api every night around 02:00 utc.",
    "webhook signatures fail validation since you rotated the signing secret.",
    "the sdk throws a schema error on nullable fields, payload sample in the ticket.",
    "p99 latency on the search endpoint is over 3s for tenants with large indexes.",
)


def engine(persona_id: int, texts: tuple[str, ...]) -> OfflineEngine:
    messages = [MemberMessage(customer_id=persona_id, text=text) for text in texts]
    character = character_from_messages(persona_id=persona_id, name="p", messages=messages)
    return OfflineEngine(character, SnippetIndex(texts, [persona_id] * len(texts)))


def test_replies_are_recognised_as_their_persona_turn_after_turn() -> None:
    texts = {1: PRICE_MESSAGES + MORE_PRICE, 2: TECH_MESSAGES + MORE_TECH}
    classifier = persona_classifier(
        [text for group in texts.values() for text in group],
        [persona for persona, group in texts.items() for _ in group],
    )

    report = measure_fidelity(
        {persona: engine(persona, group) for persona, group in texts.items()},
        classifier,
        replies_per_persona=36,
        turns=4,  # ten messages hold about four replies of sentences not yet said
    )

    assert report.replies == 72 and len(report.per_turn) == 4
    assert report.accuracy >= 0.9
    assert min(report.per_persona.values()) >= 0.85
    assert report.reply_time_percentiles()["p95"] < 100
