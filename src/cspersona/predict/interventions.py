"""What a CSM should do about an at-risk customer: interventions from its drivers and persona.

Each risk-raising driver belongs to a theme (usage, support, sentiment, price, adoption,
relationship), read from its feature's name; each theme calls for interventions, and the customer's
persona, when it has one, adds its own preference (a technical persona gets the deep-dive, a
cost-conscious one the renewal offer). Every recommendation carries its reason: the drivers and
persona that led to it, so a CSM can judge it rather than follow it.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cspersona.predict.drivers import Driver


class Action(StrEnum):
    """The interventions a CS team can run."""

    EXECUTIVE_BUSINESS_REVIEW = "executive business review"
    TECHNICAL_DEEP_DIVE = "technical deep-dive"
    RENEWAL_OFFER = "discount or renewal offer"
    TRAINING_SESSION = "training session"
    ENGINEERING_ESCALATION = "escalation to engineering"


REASONS_QUOTED = 2  # drivers quoted in a reason; every driver is still listed with it

# Themes of feature names, most specific first; a feature takes the first theme that matches.
THEMES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "defects",
        re.compile(r"escalat|unresolved|reopen|severity|urgent|high_priority|bug|incident"),
    ),
    ("price", re.compile(r"billing|pricing|price|renewal|discount|cost|contract")),
    ("technical", re.compile(r"api|integration|performance|sso|security|technical|webhook")),
    ("confusion", re.compile(r"confusion|onboarding|how_to|training")),
    ("sentiment", re.compile(r"sentiment|frustration|anger|satisfaction|gratitude|nps|mood")),
    ("usage", re.compile(r"usage|active|login|event|seat|adoption|feature")),
    ("relationship", re.compile(r"champion|silen|quiet|response|reply|contact|message|email")),
    ("support", re.compile(r"ticket|support|chat")),
)

THEME_ACTIONS: Mapping[str, tuple[Action, ...]] = {
    "defects": (Action.ENGINEERING_ESCALATION,),
    "price": (Action.RENEWAL_OFFER,),
    "technical": (Action.TECHNICAL_DEEP_DIVE,),
    "confusion": (Action.TRAINING_SESSION,),
    "sentiment": (Action.EXECUTIVE_BUSINESS_REVIEW,),
    "usage": (Action.TRAINING_SESSION, Action.EXECUTIVE_BUSINESS_REVIEW),
    "relationship": (Action.EXECUTIVE_BUSINESS_REVIEW,),
    "support": (Action.TECHNICAL_DEEP_DIVE,),
}

# What a persona's name or profile says about how it wants to be helped.
PERSONA_ACTIONS: tuple[tuple[re.Pattern[str], Action, str], ...] = (
    (re.compile(r"(?<!non-)technical|engineer|developer|expert"), Action.TECHNICAL_DEEP_DIVE,
     "talks engineering and values a technical answer"),
    (re.compile(r"cost|price|budget|value"), Action.RENEWAL_OFFER,
     "weighs price closely"),
    (re.compile(r"business|executive|outcome"), Action.EXECUTIVE_BUSINESS_REVIEW,
     "thinks in business outcomes"),
    (re.compile(r"risk|compliance|security|cautious"), Action.EXECUTIVE_BUSINESS_REVIEW,
     "needs reassurance from the top"),
    (re.compile(r"innovat|early adopter|explorer"), Action.TRAINING_SESSION,
     "wants to get more out of new features"),
)  # fmt: skip


@dataclass(frozen=True)
class PersonaHint:
    """The parts of a customer's persona that shape recommendations."""

    name: str
    description: str = ""


@dataclass(frozen=True)
class Intervention:
    """One recommended action and why."""

    action: Action
    reason: str
    drivers: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        """The form stored in ``churn_scores.interventions`` and served by the API."""
        return {"action": self.action.value, "reason": self.reason, "drivers": list(self.drivers)}


def theme(column: str) -> str | None:
    """The theme of a feature column, from its name; None when it has no actionable theme."""
    name = column.lower()
    return next((label for label, pattern in THEMES if pattern.search(name)), None)


def recommend(
    drivers: Iterable[Driver], persona: PersonaHint | None = None, *, limit: int = 3
) -> list[Intervention]:
    """Interventions for one customer, strongest reason first, at most ``limit``.

    Only drivers that raise risk count. The persona's preferred action is added (or moved
    first) when the drivers leave room for it: a persona alone never invents a problem.
    """
    reasons: dict[Action, list[Driver]] = {}
    for driver in sorted(drivers, key=lambda found: -found.contribution):
        if driver.contribution <= 0:
            continue
        label = theme(driver.column)
        for action in THEME_ACTIONS.get(label, ()) if label else ():
            reasons.setdefault(action, []).append(driver)
    if not reasons:
        return []
    found = [
        Intervention(
            action=action,
            reason="because "
            + " and ".join(driver.statement for driver in because[:REASONS_QUOTED]),
            drivers=tuple(driver.column for driver in because),
        )
        for action, because in reasons.items()
    ]
    if persona is not None:
        found = _with_persona(found, persona, reasons)
    return found[:limit]


def _with_persona(
    found: list[Intervention], persona: PersonaHint, reasons: Mapping[Action, list[Driver]]
) -> list[Intervention]:
    """Put the persona's preferred action first, explaining why the persona wants it."""
    text = f"{persona.name} {persona.description}".lower()
    match = next(
        ((action, why) for pattern, action, why in PERSONA_ACTIONS if pattern.search(text)), None
    )
    if match is None:
        return found
    action, why = match
    note = f"the {persona.name} persona {why}"
    existing = next((item for item in found if item.action is action), None)
    rest = [item for item in found if item.action is not action]
    if existing is not None:
        preferred = Intervention(action, f"{existing.reason}, and {note}", existing.drivers)
    else:
        strongest = next(iter(reasons.values()))[0]
        reason = f"because {strongest.statement}, and {note}"
        preferred = Intervention(action, reason, (strongest.column,))
    return [preferred, *rest]
