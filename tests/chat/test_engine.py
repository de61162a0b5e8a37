"""The offline engine: grounded, persona-specific, deterministic for a seed, and fast."""

import time

from sqlalchemy.orm import Session

from cspersona.chat.character import MemberMessage, character_from_messages
from cspersona.chat.engine import LLMEngine, OfflineEngine
from cspersona.chat.prompting import prompt_tokens
from cspersona.chat.retrieval import SnippetIndex, sentences
from cspersona.chat.scenarios import Outcome, builtin_scenarios, outcome
from cspersona.chat.voice import default_voice
from cspersona.llm.client import LLMClient
from cspersona.llm.prompt import Turn
from cspersona.llm.providers import ProviderTimeout
from cspersona.nlp.similarity import normalised, sentences_of
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

    # Five messages hold a few turns of sentences; none is said twice, so later replies are short.
    assert all(any(sentence in reply for sentence in member_sentences) for reply in price[:3])
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

    first = speaker.respond(state, "Hello Carlos.", scenario=scenario)
    second = speaker.respond(first.state, "I can offer a 10% discount.", scenario=scenario)

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


CONFLICTING = (
    "We have about 45 people who actually use it. We pay $20,000 a year for this.",
    "We have about 181 people who actually use it. We pay $9,000 a year for this.",
    "The dashboards are slow every morning for our whole team.",
    "Our finance team keeps asking why the invoice went up.",
)


def test_each_fact_keeps_one_value_in_a_conversation() -> None:
    speaker = engine(CONFLICTING * 2)
    replies = conversation(speaker, ("How many people use it?", "Tell me more about usage."))
    text = " ".join(replies)

    assert ("45 people" in text) != ("181 people" in text)


def test_a_customer_answers_questions_about_their_account_from_one_members_record() -> None:
    messages = [MemberMessage(customer_id=1, text=text) for text in PRICE_MESSAGES]
    character = character_from_messages(persona_id=1, name="p", messages=messages)
    accounts = [{"annual_price": "$52,300", "active_users": "64", "renewal_date": "March 4"}]
    speaker = OfflineEngine(
        character, SnippetIndex([m.text for m in messages], [1] * 5), accounts=accounts
    )

    reply = speaker.respond(speaker.start(), "How many people use it, and what are you paying?")
    renewal = speaker.respond(reply.state, "When is your renewal date?")

    assert "64 of our people" in reply.text and "$52,300 a year" in reply.text
    assert "March 4" in renewal.text
    assert reply.facts["annual_price"] == "$52,300"


def test_no_sentence_is_said_twice_in_a_long_conversation() -> None:
    speaker = engine(PRICE_MESSAGES + TECH_MESSAGES)
    replies = conversation(speaker, ("I understand, that is frustrating.",) * 12)
    said = [sentence for reply in replies for sentence in sentences_of(reply)]

    assert len(said) == len({normalised(sentence) for sentence in said})
    assert all(reply for reply in replies)


def test_the_customer_does_not_ask_for_what_the_csm_already_did() -> None:
    texts = (
        "I want this escalated to your manager today.",
        "Please escalate this to your engineering lead.",
        "The export fails every night for our finance team.",
        "The export of invoices times out after ten minutes.",
    )
    replies = conversation(
        engine(texts), ("I've escalated this to our engineering lead.", "Anything else?")
    )

    assert not any("escalat" in reply.split(".", 1)[-1] for reply in replies)


def test_a_run_that_ends_says_where_the_customer_stands() -> None:
    scenario = builtin_scenarios()["renewal-negotiation"]
    speaker = engine(PRICE_MESSAGES)
    state = speaker.start(scenario)
    for message in (
        "I'm sorry the price has been hard to justify.",
        "I can offer a 10% discount and review your seat usage to right-size the contract.",
        "I'll send the revised quote by Friday.",
    ):
        reply = speaker.respond(state, message, scenario=scenario)
        state = reply.state
        if outcome(scenario, state) is not Outcome.ONGOING:
            break

    assert outcome(scenario, state) is Outcome.SUCCEEDED
    assert reply.text.endswith(tuple(default_voice().stances["convinced"]["formal"])), reply.text


def test_suggestions_fit_the_scenario_and_answer_a_raised_objection_first() -> None:
    scenario = builtin_scenarios()["churn-prevention"]
    speaker = engine(TECH_MESSAGES)
    reply = speaker.respond(speaker.start(scenario), "Hello.", scenario=scenario)

    objection = scenario.hidden_objections[0]
    assert reply.objection == objection.text
    assert reply.suggestions[0] == objection.suggestion
    assert set(reply.suggestions) <= {objection.suggestion, *scenario.suggestions}
    assert not any("finance" in suggestion for suggestion in reply.suggestions)


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


def test_the_customer_introduces_themselves_only_when_the_conversation_begins() -> None:
    texts = (
        "I manage our finance team's use of the product.",
        "The invoice went up again and finance wants a discount.",
        "Our budget for the renewal is tight this year.",
        "The invoice total does not match the quote.",
    )
    replies = conversation(engine(texts * 2), ("Tell me about the invoice and the budget.",) * 3)

    assert not any("I manage our" in reply for reply in replies[1:])


def test_two_reactions_in_one_reply_do_not_open_alike() -> None:
    speaker = engine(PRICE_MESSAGES)
    state = speaker.start()
    for _ in range(6):
        reply = speaker.respond(state, "I'll get you an answer from the product team by Friday.")
        state = reply.state
        openings = [" ".join(s.lower().split()[:2]) for s in sentences_of(reply.text)]

        assert len(openings) == len(set(openings)), reply.text
