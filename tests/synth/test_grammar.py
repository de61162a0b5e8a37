"""The phrase banks are complete and only name placeholders the generator fills."""

import string

import pytest

from cspersona.synth.fillers import DRAWS, MESSAGE_FACTS, NPS_FACTS, ConversationFacts
from cspersona.synth.grammar import Grammar, Voiced, load_grammar
from cspersona.synth.labels import Emotion, Sentiment, Topic
from cspersona.synth.spec import load_archetypes


def placeholders(phrases: list[str]) -> set[str]:
    return {
        name for phrase in phrases for _, name, _, _ in string.Formatter().parse(phrase) if name
    }


def voiced_banks(grammar: Grammar) -> list[Voiced]:
    customer = grammar.customer
    banks: list[Voiced] = [customer.escalation, grammar.nps.detractor, grammar.nps.passive]
    banks += [grammar.nps.promoter]
    for by_label in (customer.opener, customer.moods, customer.opening_moods, customer.chase):
        banks += list(by_label.values())
    for by_label in (customer.still, customer.resolved, customer.reply_opener, customer.chat_bye):
        banks += list(by_label.values())
    return banks


def test_every_placeholder_is_one_the_generator_fills() -> None:
    grammar = load_grammar()
    known = set(ConversationFacts.__annotations__) | set(MESSAGE_FACTS) | set(DRAWS)
    known |= set(grammar.pools.nouns)

    assert placeholders(grammar.all_phrases()) <= known
    nps = grammar.nps.model_dump()
    nps_phrases = [
        phrase for bank in nps.values() for phrases in bank.values() for phrase in phrases
    ]
    assert placeholders(nps_phrases) <= set(NPS_FACTS) | set(DRAWS) | set(grammar.pools.nouns)


def test_every_topic_emotion_and_sentiment_has_phrases() -> None:
    grammar = load_grammar()

    assert set(grammar.topics) == set(Topic)
    assert set(grammar.customer.moods) == set(Emotion)
    assert set(grammar.customer.opener) == set(Sentiment)
    for phrases in grammar.topics.values():
        assert len(phrases.issues) >= 4


def test_archetype_voices_belong_to_real_archetypes() -> None:
    archetypes = {archetype.key for archetype in load_archetypes()} | {"any"}

    for bank in voiced_banks(load_grammar()):
        assert set(bank.root) <= archetypes


def test_a_voiced_bank_without_shared_phrases_is_refused() -> None:
    with pytest.raises(ValueError, match="needs `any` phrases"):
        Voiced.model_validate({"cost_conscious": ["Too expensive."]})
