"""Fidelity: a classifier of the members' own messages recognises each persona's replies."""

from cspersona.chat.character import MemberMessage, character_from_messages
from cspersona.chat.engine import OfflineEngine
from cspersona.chat.fidelity import measure_fidelity, persona_classifier
from cspersona.chat.retrieval import SnippetIndex
from tests.chat.conftest import PRICE_MESSAGES, TECH_MESSAGES


def engine(persona_id: int, texts: tuple[str, ...]) -> OfflineEngine:
    messages = [MemberMessage(customer_id=persona_id, text=text) for text in texts]
    character = character_from_messages(persona_id=persona_id, name="p", messages=messages)
    return OfflineEngine(character, SnippetIndex(texts, [persona_id] * len(texts)))


def test_replies_are_recognised_as_their_persona_turn_after_turn() -> None:
    texts = {1: PRICE_MESSAGES * 3, 2: TECH_MESSAGES * 3}
    classifier = persona_classifier(
        [text for group in texts.values() for text in group],
        [persona for persona, group in texts.items() for _ in group],
    )

    report = measure_fidelity(
        {persona: engine(persona, group) for persona, group in texts.items()},
        classifier,
        replies_per_persona=40,
        turns=20,
    )

    assert report.replies == 80 and len(report.per_turn) == 20
    assert report.accuracy >= 0.9
    assert min(report.per_persona.values()) >= 0.85
    assert report.reply_time_percentiles()["p95"] < 100
