"""Scenarios: the four built in, custom YAML, persona selection by traits, score cards."""

from pathlib import Path

import pytest

from cspersona.chat.character import TRAITS, Character
from cspersona.chat.scenarios import (
    Outcome,
    Stance,
    builtin_scenarios,
    get_scenario,
    outcome,
    stance,
)
from cspersona.chat.state import ChatState
from cspersona.exceptions import BadInput, NotFound


def character(persona_id: int, **traits: float) -> Character:
    return Character(
        persona_id=persona_id,
        name=f"p{persona_id}",
        traits=dict.fromkeys(TRAITS, 0.4) | traits,
        concerns=(),
        member_count=3,
    )


CAST = [
    character(1, price_sensitivity=0.9),
    character(2, technical=0.9, formality=0.1),
    character(3, patience=0.1, baseline_sentiment=0.2),
    character(4, risk_aversion=0.9, formality=0.9),
]


def test_the_four_scenarios_of_the_brief_are_built_in() -> None:
    labels = {scenario.persona_label for scenario in builtin_scenarios().values()}

    assert labels == {
        "Cost-Conscious Carlos",
        "Technical Tanya",
        "Frustrated Frank",
        "Cautious Catherine",
    }


@pytest.mark.parametrize(
    ("name", "persona_id"),
    [
        ("renewal-negotiation", 1),
        ("feature-upsell", 2),
        ("churn-prevention", 3),
        ("onboarding", 4),
    ],
)
def test_each_scenario_maps_onto_the_persona_whose_traits_fit(name: str, persona_id: int) -> None:
    assert builtin_scenarios()[name].select(CAST).persona_id == persona_id


def test_no_personas_means_nothing_to_practise_with() -> None:
    with pytest.raises(NotFound, match="build personas first"):
        builtin_scenarios()["onboarding"].select([])


def test_a_custom_scenario_loads_from_yaml(tmp_path: Path) -> None:
    path = tmp_path / "pricing.yaml"
    path.write_text(
        "name: price-rise\ntitle: Price rise\npersona_label: Anyone\n"
        "persona_traits: {price_sensitivity: 1}\nsituation: Prices rise 8%.\n"
        "csm_goal: Keep them.\nopening: Why is the price going up?\nturn_limit: 4\n"
        "hidden_objections:\n  - {key: budget, text: No budget left., handled_by: [concession]}\n"
    )

    scenario = get_scenario(str(path), allow_files=True)

    assert scenario.turn_limit == 4 and scenario.hidden_objections[0].key == "budget"
    with pytest.raises(NotFound):
        get_scenario(str(path))  # the API never reads files


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name: [unclosed", "not valid YAML"),
        ("name: x\ntitle: t\n", "persona_label"),
        ("name: Bad Name\n", "name"),
    ],
)
def test_a_malformed_scenario_file_is_one_clear_error(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content)

    with pytest.raises(BadInput, match=message):
        get_scenario(str(path), allow_files=True)


def test_outcomes_follow_the_state() -> None:
    scenario = builtin_scenarios()["renewal-negotiation"]
    base = ChatState(satisfaction=0.5, trust=0.5, patience=0.5, turn=2)

    assert outcome(scenario, base) is Outcome.ONGOING
    won = ChatState(0.8, 0.7, 0.5, turn=3, handled_objections=("competitor_quote",))
    assert outcome(scenario, won) is Outcome.SUCCEEDED
    assert outcome(scenario, ChatState(0.5, 0.5, 0.0, turn=3)) is Outcome.FAILED
    assert outcome(scenario, ChatState(0.5, 0.5, 0.5, turn=10)) is Outcome.OUT_OF_TURNS


def test_a_customer_is_convinced_only_by_the_goals_state_and_answers() -> None:
    scenario = builtin_scenarios()["renewal-negotiation"]
    pleased_but_unanswered = ChatState(0.8, 0.7, 0.5, turn=3)
    answered = ChatState(0.8, 0.7, 0.5, turn=3, handled_objections=("competitor_quote",))

    assert stance(scenario, pleased_but_unanswered) is Stance.UNDECIDED
    assert stance(scenario, answered) is Stance.CONVINCED
    assert stance(scenario, ChatState(0.6, 0.3, 0.5, turn=3)) is Stance.UNCONVINCED
    assert outcome(scenario, pleased_but_unanswered) is Outcome.ONGOING
