"""The persona's voice: phrase banks by register, loaded from ``data/voice.yaml``."""

import random
from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel

from cspersona.chat.character import Character
from cspersona.chat.state import ChatState

Bank = dict[str, list[str]]
SUGGESTIONS = 3
# Suggestions offered in about the last two turns are not offered again while others remain.
RECENT_SUGGESTIONS = 2 * SUGGESTIONS
Condition = Literal[
    "always",
    "low_satisfaction",
    "low_trust",
    "low_patience",
    "price_sensitivity",
    "technical",
    "risk_aversion",
    "enthusiasm",
]


class Suggestion(BaseModel):
    """A question a CSM could ask next, offered when its condition holds."""

    when: Condition
    text: str


class Voice(BaseModel):
    """Every phrase bank the offline engine speaks from."""

    openers: Bank
    closings: Bank
    reactions: dict[str, dict[str, Bank]]
    concern_lines: Bank
    suggestions: list[Suggestion]

    def pick(self, bank: Bank, register: str, rng: random.Random) -> str:
        """A phrase for ``register`` (e.g. ``formal_technical``), falling back to its tone."""
        tone = register.split("_")[0]
        for key in (register, tone, "any"):
            if bank.get(key):
                return rng.choice(bank[key])
        return ""

    def reaction(self, move: str, *, warm: bool, register: str, rng: random.Random) -> str:
        """How the customer reacts to the CSM's main move."""
        banks = self.reactions.get(move) or self.reactions["neutral"]
        return self.pick(banks["warm" if warm else "cool"], register, rng)

    def suggestions_for(
        self, character: Character, state: ChatState, concern: str, rng: random.Random
    ) -> tuple[str, ...]:
        """Three next questions for the CSM: those this persona and state call for first.

        Questions offered in the last turns come last, so the CSM sees new ones each turn.
        """
        weights = {
            "always": 0.3,
            "low_satisfaction": 1 - state.satisfaction,
            "low_trust": 1 - state.trust,
            "low_patience": 1 - state.patience,
            **{trait: character.traits[trait] for trait in character.traits},
        }
        recent = set(state.offered_suggestions[-RECENT_SUGGESTIONS:])
        worded = [(item.when, item.text.format(concern=concern)) for item in self.suggestions]
        ranked = sorted(
            worded,
            key=lambda pair: (pair[1] in recent, -weights[pair[0]] - 0.05 * rng.random()),
        )
        return tuple(text for _, text in ranked[:SUGGESTIONS])


@cache
def default_voice() -> Voice:
    """The phrase banks shipped with the package."""
    text = resources.files("cspersona.chat").joinpath("data/voice.yaml").read_text("utf-8")
    return Voice.model_validate(yaml.safe_load(text))
