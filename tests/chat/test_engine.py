"""The offline engine: grounded, persona-specific, deterministic for a seed, and fast."""

import time

from sqlalchemy.orm import Session

from cspersona.chat.character import MemberMessage, character_from_messages
from cspersona.chat.engine import LLMEngine, OfflineEngine
from cspersona.chat.prompting import prompt_tokens
from cspersona.chat.retrieval import SnippetIndex, sentences
from cspersona.chat.scenarios import builtin_scenarios
from cspersona.llm.client import LLMClient
from cspersona.llm.prompt import Turn
from cspersona.llm.providers import ProviderTimeout
from tests.chat.conftest import PRICE_MESSAGES, TECH_MESSAGES
from tests.llm.test_client import ScriptedProvider

CSM_MESSAGES = (
    "I understand, that sounds frustrating.",
    "We can offer a 10% discount on the renewal.",
    "We're looking into it.",
    "The rate limit is 600 requests per minute per tenant.",
    "Would you consider the Enterprise plan?",
    "I'll have an answer for you by Friday.",
)


def engine(texts: tuple[str, ...], *, seed: int = 0, persona_id: int = 1) -> OfflineEngine:
    messages = [
        MemberMessage(customer_id=number % 3, text=text) for number, text in enumerate(texts)
    ]
    character = character_from_messages(persona_id=persona_id, name="p", messages=messages)
    index = SnippetIndex([m.text for m in messages], [m.customer_id for m in messages])
    return OfflineEngine(character, index, seed=seed)


def conversation(speaker: OfflineEngine, messages: tuple[str, ...]) -> list[str]:
    state = speaker.start()
    replies = []
    for message in messages:
        reply = speaker.respond(state, message)
        state = reply.state
        replies.append(reply.text)
    return replies


def test_the_same_seed_gives_the_same_conversation() -> None:
    assert conversation(engine(PRICE_MESSAGES, seed=3), CSM_MESSAGES) == conversation(
        engine(PRICE_MESSAGES, seed=3), CSM_MESSAGES
    )
    assert conversation(engine(PRICE_MESSAGES, seed=3), CSM_MESSAGES) != conversation(
        engine(PRICE_MESSAGES, seed=4), CSM_MESSAGES
    )


def test_replies_quote_members_in_the_personas_register() -> None:
    price = conversation(engine(PRICE_MESSAGES), CSM_MESSAGES)
    tech = conversation(engine(TECH_MESSAGES), CSM_MESSAGES)
    member_sentences = [sentence for text in PRICE_MESSAGES for sentence in sentences(text)]

    assert all(any(sentence in reply for sentence in member_sentences) for reply in price)
    assert all(reply.split()[-1][-1] in ".!?" for reply in price)  # formal: closes properly
    assert any("invoice" in reply or "price" in reply for reply in price)
    assert not any("invoice" in reply for reply in tech)


def test_the_customer_does_not_repeat_a_sentence_within_a_few_turns() -> None:
    speaker = engine(PRICE_MESSAGES + TECH_MESSAGES)
    state = speaker.start()
    quoted: list[int] = []
    for _ in range(4):
        reply = speaker.respond(state, "Tell me more.")
        state = reply.state
        quoted.extend(snippet.index for snippet in reply.snippets)

    assert len(quoted) == len(set(quoted))


def test_hidden_objections_surface_and_count_as_handled_when_answered() -> None:
    scenario = builtin_scenarios()["renewal-negotiation"]
    speaker = engine(PRICE_MESSAGES)
    state = speaker.start(scenario)

    first = speaker.respond(state, "Hello Carlos.", objections=scenario.hidden_objections)
    second = speaker.respond(
        first.state, "I can offer a 10% discount.", objections=scenario.hidden_objections
    )

    assert first.objection == scenario.hidden_objections[0].text
    assert first.objection in first.text
    assert second.state.handled_objections == (scenario.hidden_objections[0].key,)


def test_p95_reply_time_is_under_100_ms() -> None:
    speaker = engine(PRICE_MESSAGES * 40 + TECH_MESSAGES * 40)
    state = speaker.start()
    timings = []
    for turn in range(120):
        started = time.perf_counter()
        reply = speaker.respond(state, CSM_MESSAGES[turn % len(CSM_MESSAGES)] + f" ({turn})")
        timings.append(time.perf_counter() - started)
        state = reply.state

    timings.sort()
    assert timings[int(0.95 * len(timings))] < 0.1


def test_a_streaming_provider_that_times_out_falls_back_to_the_offline_text(
    db_session: Session,
) -> None:
    speaker = engine(PRICE_MESSAGES)
    reply = speaker.respond(speaker.start(), "Hello")
    provider = ScriptedProvider(*[ProviderTimeout("too slow")] * 4)
    client = LLMClient(provider, db_session=db_session, redact=str, sleep=lambda _: None)

    pieces = list(LLMEngine(speaker, client, fallback=True).stream(reply, "Hello", (), None))

    assert pieces == [reply.text]


def test_suggestions_change_from_one_turn_to_the_next() -> None:
    speaker = engine(PRICE_MESSAGES)
    state = speaker.start()
    offered = []
    for message in CSM_MESSAGES[:3]:
        reply = speaker.respond(state, message)
        offered.append(set(reply.suggestions))
        state = reply.state

    assert all(len(turn) == 3 for turn in offered)
    assert offered[0].isdisjoint(offered[1]) and offered[1].isdisjoint(offered[2])


def test_the_llm_engine_fits_its_prompt_to_the_token_budget(db_session: Session) -> None:
    speaker = engine(PRICE_MESSAGES)
    reply = speaker.respond(speaker.start(), "Can we talk about the renewal?")
    client = LLMClient(ScriptedProvider(), db_session=db_session, redact=str)
    history = [Turn("user" if n % 2 else "assistant", "A long turn. " * 40) for n in range(20)]

    prompt = LLMEngine(speaker, client, fallback=True, token_budget=600).prompt(
        reply, "Can we talk about the renewal?", history, None
    )

    assert prompt_tokens(prompt) <= 600
    assert prompt.turns[-1] == Turn("user", "Can we talk about the renewal?")
    assert speaker.character.name in prompt.system


def test_an_llm_answer_with_no_text_is_answered_by_the_offline_engine(
    db_session: Session,
) -> None:
    speaker = engine(PRICE_MESSAGES)
    reply = speaker.respond(speaker.start(), "Hello")
    client = LLMClient(ScriptedProvider("", ""), db_session=db_session, redact=str)
    llm = LLMEngine(speaker, client, fallback=True)

    written = llm.write(reply, "Hello", (), None)
    streamed = list(llm.stream(reply, "Hello again", (), None))

    assert (written.text, written.fallback_reason) == (reply.text, "scripted answered with no text")
    assert streamed == [reply.text]
