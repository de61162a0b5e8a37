"""Transition strategies: what to do differently with a customer who moved to another persona.

Derived from the two personas' profiles, never written per pair: every profile dimension whose
pole differs (support preference, tone, depth, evidence, roadmap), the topics each persona raises,
the emotional triggers only the new persona shows, and what success means to each. The phrases
per pole and trigger are data (``data/transition_rules.yaml``).
"""

from functools import cache
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel

from cspersona.personas.profile_schema import PersonaProfile
from cspersona.personas.profiles import rules as profile_rules

TOPICS_SAID = 2
# How much further towards a pole (in mean z) the new persona must sit, when neither persona
# holds a clear pole, for its approach to change.
SCORE_GAP = 0.3


class TransitionStep(BaseModel):
    """One thing to change: the aspect, where each persona stands on it, and the advice."""

    aspect: str
    was: str
    now: str
    advice: str


class TransitionStrategy(BaseModel):
    """What to do differently with the customer now, step by step, with a one-line summary."""

    summary: str
    steps: list[TransitionStep]


@cache
def rules() -> dict[str, Any]:
    """The transition phrases shipped with the package."""
    text = resources.files("cspersona.personas").joinpath("data/transition_rules.yaml").read_text()
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


def _pole(profile: PersonaProfile, dimension: str) -> str | None:
    """The persona's clear pole on a dimension (None when it leans to neither)."""
    found = profile.dimensions.get(dimension)
    poles = rules()["dimensions"][dimension]
    return found.value if found is not None and found.value in poles else None


def _leaning(old: PersonaProfile, new: PersonaProfile, dimension: str) -> str | None:
    """The pole the new persona sits clearly nearer than the old one, though neither holds it."""
    old_score, new_score = (
        profile.dimensions[dimension].score if dimension in profile.dimensions else 0.0
        for profile in (old, new)
    )
    if abs(new_score - old_score) < SCORE_GAP:
        return None
    poles = profile_rules()["dimensions"][dimension]
    return str(poles["high"] if new_score > old_score else poles["low"])


def _dimension_step(
    old: PersonaProfile, new: PersonaProfile, dimension: str
) -> TransitionStep | None:
    """What to change on one dimension, if the new persona wants another approach on it."""
    phrases = rules()["dimensions"][dimension]
    was, now = _pole(old, dimension), _pole(new, dimension)
    if was is not None and now is not None and was != now:
        advice = f"move from {phrases[was]} to {phrases[now]}"
    elif now is not None and was is None:
        advice = f"lean on {phrases[now]}"
    elif now is None and (leaning := _leaning(old, new, dimension)) is not None:
        advice = f"lean more on {phrases[leaning]}"
        now = f"more {leaning} than {old.name}"
    else:
        return None

    def stance(profile: PersonaProfile) -> str:
        found = profile.dimensions.get(dimension)
        return found.value if found is not None else "no clear preference"

    return TransitionStep(
        aspect=phrases["aspect"],
        was=f"{old.name}: {stance(old)}",
        now=f"{new.name}: {now}",
        advice=advice,
    )


def _dimension_steps(old: PersonaProfile, new: PersonaProfile) -> list[TransitionStep]:
    """A step for every dimension on which the new persona wants another approach."""
    found = (_dimension_step(old, new, dimension) for dimension in rules()["dimensions"])
    return [step for step in found if step is not None]


def _topics(profile: PersonaProfile) -> list[str]:
    """The topics a persona raises more than the book, else the ones it raises most."""
    raised = [item.topic for item in profile.pain_points] or [
        item.topic for item in profile.top_topics
    ]
    return list(dict.fromkeys(raised))


def _topic_step(old: PersonaProfile, new: PersonaProfile) -> TransitionStep | None:
    """Lead with the new persona's topics rather than the old one's."""
    old_topics = _topics(old)
    new_topics = [topic for topic in _topics(new) if topic not in old_topics][:TOPICS_SAID]
    if not new_topics:
        return None
    leading = " and ".join(new_topics)
    former = " and ".join([topic for topic in old_topics if topic not in new_topics][:TOPICS_SAID])
    return TransitionStep(
        aspect="Topics",
        was=f"{old.name}: {former or 'no topic that stands out'}",
        now=f"{new.name}: {leading}",
        advice=f"lead with {leading}" + (f" rather than {former}" if former else ""),
    )


def _trigger_steps(old: PersonaProfile, new: PersonaProfile) -> list[TransitionStep]:
    """Emotions the new persona's messages show and the old one's did not, with what to do."""
    known = {trigger.emotion for trigger in old.triggers}
    phrases = rules()["triggers"]
    return [
        TransitionStep(
            aspect="Watch for",
            was=f"{old.name}: no sign of {trigger.emotion}",
            now=f"{new.name}: {trigger.emotion} above the book",
            advice=phrases.get(trigger.emotion, f"watch for {trigger.emotion}"),
        )
        for trigger in new.triggers
        if trigger.emotion not in known
    ]


def _success_step(old: PersonaProfile, new: PersonaProfile) -> TransitionStep | None:
    """Measure success by what the new persona values, not by what the old one did."""
    old_metrics = [item.metric for item in old.success_metrics]
    new_metrics = [item.metric for item in new.success_metrics if item.metric not in old_metrics]
    if not new_metrics:
        return None
    former = next((metric for metric in old_metrics if metric not in new_metrics), None)
    return TransitionStep(
        aspect="Success",
        was=f"{old.name}: {former or 'no particular measure'}",
        now=f"{new.name}: {new_metrics[0]}",
        advice=f"measure success by {new_metrics[0]}" + (f", not {former}" if former else ""),
    )


def transition_strategy(old: PersonaProfile, new: PersonaProfile) -> TransitionStrategy:
    """What to do differently with a customer who was ``old`` and is now ``new``."""
    steps = _dimension_steps(old, new)
    steps += [step for step in (_topic_step(old, new),) if step is not None]
    steps += _trigger_steps(old, new)
    steps += [step for step in (_success_step(old, new),) if step is not None]
    if not steps:
        advice = f"{new.name} works much like {old.name}: keep the approach, and check the changes"
        return TransitionStrategy(summary=f"Was {old.name}, now {new.name}: {advice}.", steps=[])
    said = "; ".join(step.advice for step in steps)
    return TransitionStrategy(summary=f"Was {old.name}, now {new.name}: {said}.", steps=steps)
