"""The customer's inner state during a chat, and how each CSM move changes it for this persona.

Reactions are functions of the character's traits, not of its name: a price-sensitive character
warms to a concession, a technical one cools at a vague answer, a risk-averse one warms to a
timeline commitment and cools at an upsell pitch.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from cspersona.chat.character import Character
from cspersona.chat.intents import Intent

EMOTIONS = ("frustration", "anger", "confusion", "urgency", "satisfaction", "gratitude")


@dataclass(frozen=True)
class Delta:
    """A change of satisfaction, trust and patience."""

    satisfaction: float = 0.0
    trust: float = 0.0
    patience: float = 0.0

    def __add__(self, other: "Delta") -> "Delta":
        """Sum two changes."""
        return Delta(
            self.satisfaction + other.satisfaction,
            self.trust + other.trust,
            self.patience + other.patience,
        )

    @property
    def mood(self) -> float:
        """Net warming (positive) or cooling (negative) of one move."""
        return self.satisfaction + self.trust + 0.5 * self.patience


Traits = dict[str, float]

# How each intent moves the state for a character with these traits.
REACTIONS: dict[Intent, Callable[[Traits], Delta]] = {
    Intent.EMPATHY: lambda t: Delta(0.04 + 0.08 * (1 - t["technical"]), 0.06, 0.04),
    Intent.APOLOGY: lambda t: Delta(0.03, 0.05 + 0.05 * t["formality"], 0.03),
    Intent.CONCESSION: lambda t: Delta(
        0.02 + 0.30 * t["price_sensitivity"], 0.03 + 0.08 * t["price_sensitivity"], 0.02
    ),
    Intent.TECHNICAL: lambda t: Delta(
        -0.06 + 0.22 * t["technical"], 0.02 + 0.10 * t["technical"], -0.05 * (1 - t["technical"])
    ),
    Intent.TIMELINE: lambda t: Delta(
        0.04 + 0.06 * (1 - t["patience"]), 0.04 + 0.20 * t["risk_aversion"], 0.08
    ),
    Intent.ESCALATION: lambda t: Delta(0.04, 0.05 + 0.08 * (1 - t["patience"]), 0.10),
    Intent.UPSELL: lambda t: Delta(
        0.18 * t["enthusiasm"] - 0.16 * t["risk_aversion"] - 0.16 * t["price_sensitivity"],
        -0.06 * t["risk_aversion"] - 0.04 * t["price_sensitivity"],
        -0.03,
    ),
    Intent.VAGUE: lambda t: Delta(
        -0.05 - 0.20 * t["technical"], -0.05 - 0.10 * t["risk_aversion"], -0.08
    ),
    Intent.QUESTION: lambda t: Delta(0.01, 0.01, -0.02 * (1 - t["patience"])),
    Intent.PROMPT_INJECTION: lambda t: Delta(-0.05, -0.08, -0.06),
}


def turn_cost(traits: Traits) -> Delta:
    """What one more turn costs in patience, more for an impatient character."""
    return Delta(patience=-(0.02 + 0.05 * (1 - traits["patience"])))


def _clip(value: float) -> float:
    return round(min(1.0, max(0.0, value)), 4)


@dataclass(frozen=True)
class ChatState:
    """Satisfaction, trust and patience in [0, 1], the turn count and which objections are out.

    ``facts`` are what the customer has stated about their account (see :mod:`facts`), ``said``
    every sentence they said, so no sentence is said twice in a conversation, and ``moves`` every
    kind of move the CSM made, so the customer does not ask for what was already done.
    """

    satisfaction: float
    trust: float
    patience: float
    turn: int = 0
    raised_objections: tuple[str, ...] = ()
    handled_objections: tuple[str, ...] = ()
    last_mood: float = 0.0
    emotions: dict[str, float] = field(default_factory=dict)
    used_snippets: tuple[int, ...] = ()
    offered_suggestions: tuple[str, ...] = ()
    facts: dict[str, str] = field(default_factory=dict)
    said: tuple[str, ...] = ()
    moves: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """A JSON document for storage."""
        return asdict(self)

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> "ChatState":
        """The state stored by :meth:`to_json`."""
        return cls(
            satisfaction=float(document["satisfaction"]),
            trust=float(document["trust"]),
            patience=float(document["patience"]),
            turn=int(document.get("turn", 0)),
            raised_objections=tuple(document.get("raised_objections", ())),
            handled_objections=tuple(document.get("handled_objections", ())),
            last_mood=float(document.get("last_mood", 0.0)),
            emotions=dict(document.get("emotions", {})),
            used_snippets=tuple(document.get("used_snippets", ())),
            offered_suggestions=tuple(document.get("offered_suggestions", ())),
            facts=dict(document.get("facts", {})),
            said=tuple(document.get("said", ())),
            moves=tuple(document.get("moves", ())),
        )

    @property
    def emotion(self) -> str:
        """The strongest current emotion."""
        return max(self.emotions, key=lambda name: (self.emotions[name], name))


def initial_state(character: Character, mood: dict[str, float] | None = None) -> ChatState:
    """Where a conversation starts: the persona's baseline, or a scenario's stated mood."""
    traits = character.traits
    start = {
        "satisfaction": 0.3 + 0.4 * traits["baseline_sentiment"],
        "trust": 0.5,
        "patience": 0.4 + 0.5 * traits["patience"],
    }
    start.update(mood or {})
    state = ChatState(
        satisfaction=_clip(start["satisfaction"]),
        trust=_clip(start["trust"]),
        patience=_clip(start["patience"]),
    )
    return replace(state, emotions=emotions_of(state, character, frozenset()))


def react(state: ChatState, intents: frozenset[Intent], character: Character) -> ChatState:
    """The state after the CSM's message, with this character's reactions to its intents."""
    delta = turn_cost(character.traits)
    mood = Delta()
    for intent in sorted(intents):
        move = REACTIONS[intent](character.traits)
        mood = mood + move
    delta = delta + mood
    moved = replace(
        state,
        satisfaction=_clip(state.satisfaction + delta.satisfaction),
        trust=_clip(state.trust + delta.trust),
        patience=_clip(state.patience + delta.patience),
        turn=state.turn + 1,
        last_mood=round(mood.mood, 4),
        moves=state.moves
        + tuple(sorted(intent.value for intent in intents if intent not in state.moves)),
    )
    return replace(moved, emotions=emotions_of(moved, character, intents))


def emotions_of(
    state: ChatState, character: Character, intents: frozenset[Intent]
) -> dict[str, float]:
    """Emotion intensities in [0, 1] that follow from the state and the last move."""
    traits = character.traits
    unhappy = 1 - state.satisfaction
    confusion = 0.0
    if Intent.TECHNICAL in intents:
        confusion = 0.7 * (1 - traits["technical"])
    if Intent.VAGUE in intents:
        confusion = max(confusion, 0.4)
    return {
        "frustration": _clip(unhappy * (0.6 + 0.4 * (1 - state.patience))),
        "anger": _clip(unhappy * (1 - state.patience) * 1.4 - 0.2),
        "confusion": _clip(confusion),
        "urgency": _clip((1 - state.patience) * 0.8 + 0.2 * (1 - traits["patience"])),
        "satisfaction": _clip(state.satisfaction * (0.5 + 0.5 * state.trust)),
        "gratitude": _clip(max(0.0, state.last_mood) * 2.5 * state.satisfaction),
    }


def style_of(state: ChatState, character: Character) -> dict[str, float]:
    """Style indicators shown next to a reply: formality, technical level and current patience."""
    return {
        "formality": character.traits["formality"],
        "technical_level": character.traits["technical"],
        "patience": state.patience,
    }
