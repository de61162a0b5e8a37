"""The persona prompt for a language model: the persona in words, the scenario, within a budget."""

import re
from dataclasses import replace

from cspersona.chat.prompting import (
    RULES,
    build_prompt,
    estimated_tokens,
    instructions,
    prompt_tokens,
    trait_words,
)
from cspersona.chat.retrieval import Snippet
from cspersona.chat.scenarios import builtin_scenarios
from cspersona.chat.state import ChatState
from cspersona.llm.prompt import Turn
from tests.chat.conftest import PRICE_CHARACTER

UPSET = ChatState(
    satisfaction=0.15,
    trust=0.45,
    patience=0.3,
    emotions={"frustration": 0.8, "anger": 0.4, "satisfaction": 0.1},
)
QUOTES = tuple(
    Snippet(
        text=f"Member sentence number {rank} about the invoice.",
        score=1 - rank / 20,
        customer_id=rank % 3,
        index=rank,
    )
    for rank in range(20)
)


def test_traits_are_described_in_words_not_numbers() -> None:
    assert trait_words(PRICE_CHARACTER.traits) == [
        "very price-sensitive",
        "not technical",
        "formal",
        "impatient",
    ]

    text = instructions(PRICE_CHARACTER, UPSET)

    assert "How you come across: very price-sensitive, not technical, formal, impatient." in text
    assert not re.search(r"\d\.\d", text)  # no trait or state number reaches the model
    assert "pricing and renewal, reports and exports" in text
    assert "watch every invoice" in text  # the persona's narrative
    assert (
        "you feel frustrated: your satisfaction is very low, your trust in the vendor is "
        "moderate and your patience is low" in text
    )
    assert text.endswith(RULES)


def test_the_scenario_gives_the_situation_and_what_the_customer_holds_back() -> None:
    scenario = builtin_scenarios()["churn-prevention"]
    raised, held = scenario.hidden_objections
    state = ChatState(
        satisfaction=0.2,
        trust=0.3,
        patience=0.5,
        raised_objections=(raised.key,),
        emotions={"frustration": 0.7},
    )

    text = instructions(PRICE_CHARACTER, state, scenario=scenario, objection=raised.text)

    assert f"Your situation: {scenario.situation}" in text
    assert f"Raise this concern in your reply: {raised.text}" in text
    assert (
        f"What you hold back (bring it up only when the conversation gives you a reason): "
        f"{held.text}" in text
    )
    assert text.count(raised.text) == 1


def test_facts_already_stated_must_not_be_contradicted() -> None:
    text = instructions(
        PRICE_CHARACTER, UPSET, facts={"active_users": "45", "annual_price": "$20,000"}
    )

    assert (
        "Facts you have already stated (never contradict them): people who use the product: 45; "
        "what you pay a year: $20,000." in text
    )
    assert "Facts you have" not in instructions(PRICE_CHARACTER, UPSET)


def test_member_quotes_follow_the_instructions_best_ranked_first() -> None:
    prompt = build_prompt(
        PRICE_CHARACTER, UPSET, message="Hello", quotes=QUOTES[:3][::-1], budget=10_000
    )

    quotes = [line for line in prompt.system.splitlines() if line.startswith("- ")]
    assert quotes == [f"- {QUOTES[rank].text}" for rank in range(3)]
    assert prompt.system.index(RULES) < prompt.system.index(quotes[0])


def long_history(turns: int) -> list[Turn]:
    return [
        Turn("user" if number % 2 == 0 else "assistant", f"Turn {number}: " + "words " * 60)
        for number in range(turns)
    ]


def test_quotes_are_dropped_lowest_ranked_first_to_fit_the_budget() -> None:
    everything = build_prompt(PRICE_CHARACTER, UPSET, message="Hello", quotes=QUOTES, budget=10_000)
    budget = prompt_tokens(everything) - 40

    prompt = build_prompt(PRICE_CHARACTER, UPSET, message="Hello", quotes=QUOTES, budget=budget)

    kept = [quote for quote in QUOTES if quote.text in prompt.system]
    assert prompt_tokens(prompt) <= budget
    assert 0 < len(kept) < len(QUOTES)
    assert kept == list(QUOTES[: len(kept)])  # the best-ranked stay


def test_a_long_conversation_loses_its_oldest_turns_but_never_the_newest_message() -> None:
    history = long_history(30)
    message = "Can we agree the renewal terms today?"

    prompt = build_prompt(
        PRICE_CHARACTER, UPSET, message=message, history=history, quotes=QUOTES, budget=1200
    )

    assert prompt_tokens(prompt) <= 1200
    assert not any(quote.text in prompt.system for quote in QUOTES)  # quotes went first
    assert prompt.turns[-1] == Turn("user", message)
    kept = list(prompt.turns[:-1])
    assert 0 < len(kept) < len(history)
    assert kept == history[-len(kept) :]  # the newest turns, in order
    assert instructions(PRICE_CHARACTER, UPSET) in prompt.system


def test_instructions_and_the_newest_message_stay_even_over_budget() -> None:
    message = "Please read this long message. " * 80

    prompt = build_prompt(
        PRICE_CHARACTER, UPSET, message=message, history=long_history(4), quotes=QUOTES, budget=300
    )

    assert prompt.system == instructions(PRICE_CHARACTER, UPSET)
    assert prompt.turns == (Turn("user", message),)
    assert prompt_tokens(prompt) > 300


def test_tokens_are_estimated_at_four_characters_each() -> None:
    assert [estimated_tokens(text) for text in ("", "abcd", "abcde")] == [0, 1, 2]


def test_a_long_narrative_is_cut_at_a_sentence_end() -> None:
    narrative = "They read every invoice line. " * 40
    character = replace(PRICE_CHARACTER, description=narrative)

    line = next(
        line for line in instructions(character, UPSET).splitlines() if "describes them" in line
    )

    assert line.endswith("They read every invoice line.")
    assert 600 < len(line) < 800


def test_a_persona_without_an_industry_overlay_gets_no_industry_line() -> None:
    text = instructions(PRICE_CHARACTER, UPSET)

    assert "Your company works in" not in text
    assert PRICE_CHARACTER.background == " ".join(PRICE_CHARACTER.concerns)
