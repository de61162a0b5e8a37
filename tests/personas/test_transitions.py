"""Transition strategies are derived from the two personas' profiles, in words a CSM reads."""

from itertools import permutations

from sqlalchemy import select

from cspersona.nlp.text_checks import text_problems
from cspersona.personas.models import Persona
from cspersona.personas.profile_schema import PersonaProfile
from cspersona.personas.transitions import transition_strategy
from tests.personas.conftest import Built


def _profile(name: str, **dimensions: str) -> PersonaProfile:
    return PersonaProfile.model_validate(
        {
            "name": name,
            "dimensions": {
                key: {"title": key, "value": value} for key, value in dimensions.items()
            },
        }
    )


def test_strategies_differ_between_pairs_and_cite_both_profiles(built: Built) -> None:
    session, _, _ = built
    personas = session.scalars(select(Persona).where(Persona.active.is_(True))).all()
    strategies = {}
    for old, new in permutations(personas, 2):
        strategy = transition_strategy(old.profile, new.profile)
        strategies[(old.id, new.id)] = strategy.summary
        assert strategy.summary.startswith(f"Was {old.name}, now {new.name}: ")
        assert strategy.steps
        for step in strategy.steps:
            assert step.was.startswith(f"{old.name}: ") and step.now.startswith(f"{new.name}: ")
        assert text_problems(strategy.summary) == [], strategy.summary

    assert len(set(strategies.values())) == len(strategies)


def test_support_tone_and_depth_move_with_the_profiles() -> None:
    tom = _profile(
        "Technical Tom",
        support_preference="self-service",
        technical_level="technical",
        formality="casual",
    )
    fiona = _profile(
        "Frustrated Fiona",
        support_preference="high-touch",
        technical_level="non-technical",
        formality="between casual and formal",
    )
    fiona.triggers = []

    strategy = transition_strategy(tom, fiona)

    assert [step.aspect for step in strategy.steps] == ["Support", "Depth"]
    assert strategy.steps[0].advice.startswith("move from self-service (")
    assert "to direct contact (a call within 48 hours" in strategy.steps[0].advice
    assert strategy.steps[1].now == "Frustrated Fiona: non-technical"


def test_topics_triggers_and_success_come_from_the_profiles() -> None:
    carlos = PersonaProfile.model_validate(
        {
            "name": "Cost-Conscious Carlos",
            "pain_points": [_evidence(topic="billing & invoices")],
            "success_metrics": [_evidence(metric="predictable invoices")],
        }
    )
    fiona = PersonaProfile.model_validate(
        {
            "name": "Frustrated Fiona",
            "pain_points": [_evidence(topic="bugs & errors")],
            "triggers": [_evidence(emotion="frustration")],
            "success_metrics": [_evidence(metric="fewer defects reaching them")],
        }
    )

    advice = [step.advice for step in transition_strategy(carlos, fiona).steps]

    assert advice == [
        "lead with bugs & errors rather than billing & invoices",
        "acknowledge the frustration first and give them one owner for the fix",
        "measure success by fewer defects reaching them, not predictable invoices",
    ]


def test_two_alike_personas_keep_the_approach() -> None:
    strategy = transition_strategy(_profile("Steady Sam"), _profile("Steady Sofia"))

    assert strategy.steps == []
    assert strategy.summary.startswith("Was Steady Sam, now Steady Sofia: Steady Sofia works")


def _evidence(**named: str) -> dict[str, object]:
    return {"feature": "x", "persona_mean": 1.0, "book_mean": 0.0, "z": 1.0} | named
