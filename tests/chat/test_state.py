"""Persona-specific reactions: the same move warms one character and cools another."""

import pytest

from cspersona.chat.character import TRAITS, Character
from cspersona.chat.intents import Intent
from cspersona.chat.state import ChatState, initial_state, react, style_of


def character(**traits: float) -> Character:
    values = dict.fromkeys(TRAITS, 0.3) | {"patience": 0.5, "baseline_sentiment": 0.5} | traits
    return Character(persona_id=1, name="test", traits=values, concerns=(), member_count=1)


PRICE = character(price_sensitivity=0.9)
TECHNICAL = character(technical=0.9)
RISK = character(risk_aversion=0.9)
PLAIN = character(technical=0.05)
INDIFFERENT = character(price_sensitivity=0.05, technical=0.05, risk_aversion=0.05)


def satisfaction_change(who: Character, *intents: Intent) -> float:
    start = initial_state(who)
    return react(start, frozenset(intents), who).satisfaction - start.satisfaction


def trust_change(who: Character, *intents: Intent) -> float:
    start = initial_state(who)
    return react(start, frozenset(intents), who).trust - start.trust


def test_a_price_sensitive_customer_warms_to_a_concession_more() -> None:
    assert satisfaction_change(PRICE, Intent.CONCESSION) > 0.2
    assert satisfaction_change(PRICE, Intent.CONCESSION) > 3 * satisfaction_change(
        INDIFFERENT, Intent.CONCESSION
    )


def test_a_technical_customer_cools_at_a_vague_answer_more() -> None:
    assert satisfaction_change(TECHNICAL, Intent.VAGUE) < satisfaction_change(PLAIN, Intent.VAGUE)
    assert satisfaction_change(TECHNICAL, Intent.VAGUE) < -0.15


def test_a_technical_explanation_pleases_engineers_and_confuses_plain_users() -> None:
    assert satisfaction_change(TECHNICAL, Intent.TECHNICAL) > 0
    assert satisfaction_change(PLAIN, Intent.TECHNICAL) < 0
    confused = react(initial_state(PLAIN), frozenset({Intent.TECHNICAL}), PLAIN)
    assert confused.emotions["confusion"] > 0.5


def test_a_risk_averse_customer_trusts_a_timeline_and_cools_at_an_upsell() -> None:
    assert trust_change(RISK, Intent.TIMELINE) > trust_change(INDIFFERENT, Intent.TIMELINE) + 0.1
    assert satisfaction_change(RISK, Intent.UPSELL) < -0.1


def test_every_turn_costs_patience_and_the_state_stays_in_bounds() -> None:
    state = initial_state(PRICE)
    for _ in range(60):
        state = react(state, frozenset({Intent.VAGUE}), PRICE)

    assert state.patience == 0.0 and state.satisfaction == 0.0 and state.turn == 60
    assert state.emotion in {"frustration", "anger"}


@pytest.mark.parametrize("who", [PRICE, TECHNICAL, RISK])
def test_the_state_survives_storage(who: Character) -> None:
    state = react(initial_state(who), frozenset({Intent.EMPATHY}), who)

    assert ChatState.from_json(state.to_json()) == state


def test_a_scenario_mood_sets_the_start() -> None:
    state = initial_state(PRICE, {"satisfaction": 0.2, "trust": 0.3})

    assert (state.satisfaction, state.trust) == (0.2, 0.3)
    assert style_of(state, PRICE)["patience"] == state.patience
