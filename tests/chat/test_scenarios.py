"""Scenarios: the four built in, custom YAML, persona selection by traits, score cards."""

from pathlib import Path

import pytest

from cspersona.chat.character import TRAITS, Character
from cspersona.chat.scenarios import (
    Outcome,
    Stance,
    builtin_scenarios,
    load_scenario_file,
    outcome,
    parse_scenario,
    stance,
)
from cspersona.chat.state import ChatState
from cspersona.exceptions import BadInput, InvalidDocument, NotFound


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


def test_the_four_built_in_scenarios_describe_their_customer_by_kind() -> None:
    scenarios = builtin_scenarios()

    assert {name: scenario.customer_kind for name, scenario in scenarios.items()} == {
        "churn-prevention": "a frustrated customer after repeated outages",
        "feature-upsell": "a technical customer hitting the API's rate limits",
        "onboarding": "a cautious new customer with a compliance team to satisfy",
        "renewal-negotiation": "a cost-conscious customer facing renewal",
    }
    assert scenarios["renewal-negotiation"].label == (
        "Renewal negotiation with a cost-conscious customer facing renewal"
    )
    # No invented person: the customer is whichever persona fits, named by its own name.
    texts = " ".join(
        f"{scenario.situation} {scenario.csm_goal} {scenario.opening}"
        for scenario in scenarios.values()
    )
    assert not any(name in texts for name in ("Carlos", "Tanya", "Frank", "Catherine"))


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


PRICE_RISE = (
    "name: price-rise\ntitle: Price rise\ncustomer_kind: a customer facing a price rise\n"
    "persona_traits: {price_sensitivity: 1}\nsituation: Prices rise 8%.\n"
    "csm_goal: Keep them.\nopening: Why is the price going up?\nturn_limit: 4\n"
    "hidden_objections:\n  - {key: budget, text: No budget left., handled_by: [concession]}\n"
)


def test_a_custom_scenario_loads_from_yaml(tmp_path: Path) -> None:
    path = tmp_path / "pricing.yaml"
    path.write_text(PRICE_RISE)

    scenario = load_scenario_file(path)

    assert scenario.turn_limit == 4 and scenario.hidden_objections[0].key == "budget"
    assert scenario.customer_kind == "a customer facing a price rise"


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        ("name: [unclosed", BadInput, r"^bad\.yaml is not valid YAML \(line 1\)$"),
        ("- a list", BadInput, "must be a mapping"),
        ("name: x\ntitle: t\n", InvalidDocument, "customer_kind: Field required"),
        ("name: Bad Name\n", InvalidDocument, "^bad.yaml: name: String should match pattern"),
        (
            PRICE_RISE + "persona_label: Cost-Conscious Carlos\n",
            InvalidDocument,
            "persona_label: Extra inputs are not permitted",
        ),
        (
            PRICE_RISE.replace("price_sensitivity: 1", "stinginess: 1"),
            InvalidDocument,
            "persona_traits: Value error, unknown traits stinginess; known: technical",
        ),
        (
            PRICE_RISE.replace("price_sensitivity: 1", "price_sensitivity: 7"),
            InvalidDocument,
            "less than or equal to 1",
        ),
        (PRICE_RISE + "mood: {anger: 0.9}\n", InvalidDocument, "unknown moods anger"),
    ],
    ids=[
        "not YAML",
        "not a mapping",
        "missing field",
        "bad name",
        "retired field",
        "trait",
        "range",
        "mood",
    ],
)
def test_a_malformed_scenario_is_one_clear_line(
    content: str, error: type[BadInput], message: str
) -> None:
    with pytest.raises(error, match=message) as raised:
        parse_scenario(content, source="bad.yaml")

    assert "\n" not in raised.value.message


def test_an_unreadable_scenario_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="cannot read scenario"):
        load_scenario_file(tmp_path / "missing.yaml")


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
