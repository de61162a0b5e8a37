"""The persona's voice: phrase banks by register, loaded from ``data/voice.yaml``."""

import random
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel

from cspersona.chat.character import Character
from cspersona.chat.scenarios import Scenario
from cspersona.chat.state import ChatState
from cspersona.nlp.similarity import repeats, says_the_same

Bank = dict[str, list[str]]
SUGGESTIONS = 3
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
    reactions: dict[str, dict[str, Bank]]
    fact_lines: dict[str, Bank]
    nothing_new: Bank
    stances: dict[str, Bank]
    suggestions: list[Suggestion]

    def pick(
        self, bank: Bank, register: str, rng: random.Random, *, avoid: Sequence[str] = ()
    ) -> str:
        """A phrase for ``register`` (e.g. ``formal_technical``), falling back to its tone.

        Phrases said before (``avoid``) are skipped; when the register's phrases are all said,
        the tone's and then ``any`` are tried, and if every one was said, nothing is.
        """
        tone = register.split("_")[0]
        for key in (register, tone, "any"):
            fresh = [phrase for phrase in bank.get(key, ()) if not repeats(phrase, avoid)]
            if fresh:
                return rng.choice(fresh)
        return ""

    def reaction(
        self,
        move: str,
        *,
        warm: bool,
        register: str,
        rng: random.Random,
        avoid: Sequence[str] = (),
    ) -> str:
        """How the customer reacts to the CSM's main move, in words not said before."""
        banks = self.reactions.get(move) or self.reactions["neutral"]
        return self.pick(banks["warm" if warm else "cool"], register, rng, avoid=avoid)

    def suggestions_for(
        self,
        character: Character,
        state: ChatState,
        message: str,
        scenario: Scenario | None,
        rng: random.Random,
    ) -> tuple[str, ...]:
        """Up to three next questions for the CSM that fit the situation, never offered twice.

        An objection the customer raised and nobody answered comes first, then the scenario's
        own questions; in free conversation, those this persona's traits and state call for.
        A question the CSM just asked is not suggested back to them.
        """
        weights = {
            "always": 0.3,
            "low_satisfaction": 1 - state.satisfaction,
            "low_trust": 1 - state.trust,
            "low_patience": 1 - state.patience,
            **{trait: character.traits[trait] for trait in character.traits},
        }
        general = sorted(
            self.suggestions, key=lambda item: -weights[item.when] - 0.05 * rng.random()
        )
        pool: list[str] = []
        if scenario is not None:
            pool += [
                objection.suggestion
                for objection in scenario.hidden_objections
                if objection.suggestion
                and objection.key in state.raised_objections
                and objection.key not in state.handled_objections
            ]
            pool += scenario.suggestions
            pool += [item.text for item in general if item.when == "always"]
        else:
            pool += [item.text for item in general]
        offered = set(state.offered_suggestions)
        fresh: list[str] = []
        for text in pool:
            if text in offered or text in fresh or says_the_same(text, message):
                continue
            fresh.append(text)
        return tuple(fresh[:SUGGESTIONS])


@cache
def default_voice() -> Voice:
    """The phrase banks shipped with the package."""
    text = resources.files("cspersona.chat").joinpath("data/voice.yaml").read_text("utf-8")
    return Voice.model_validate(yaml.safe_load(text))
