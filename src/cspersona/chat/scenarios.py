"""Practice scenarios: a situation, a goal, hidden objections, how it ends, and the score card.

Scenarios are YAML documents: the built-in ones in ``data/scenarios/``, custom ones stored by an
analyst (``scenario_store``) or read from a file by the CLI. A scenario describes its customer by
kind and picks its persona by traits, so it runs against whichever learned persona fits best.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from cspersona.chat.character import TRAITS, Character
from cspersona.chat.intents import Intent
from cspersona.chat.state import ChatState
from cspersona.exceptions import BadInput, InvalidDocument, NotFound

SCENARIO_NAME_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
MOODS = ("satisfaction", "trust", "patience")

# Scenarios come from analysts too: their texts are bounded and storable (no NUL, which
# PostgreSQL refuses; http.deps.TEXT_PATTERN, not imported so the CLI starts without FastAPI),
# their numbers are shares in [0, 1], and the JSON schema says so, as the API documents it.
STORABLE_TEXT = r"^[^\x00]*$"
Share = Annotated[float, Field(ge=0, le=1)]
Text = Annotated[str, StringConstraints(min_length=1, pattern=STORABLE_TEXT)]


class Objection(BaseModel):
    """Something the customer holds back until the conversation gives it a reason to surface."""

    key: Text = Field(max_length=64)
    text: Text = Field(max_length=500)
    handled_by: list[Intent] = Field(min_length=1)
    keywords: list[Annotated[Text, Field(max_length=80)]] = Field(
        default_factory=list, max_length=20
    )

    def handled_in(self, message: str, intents: frozenset[Intent]) -> bool:
        """Whether the CSM's message answers this objection."""
        lowered = message.lower()
        return bool(intents & set(self.handled_by)) or any(
            keyword.lower() in lowered for keyword in self.keywords
        )


class Success(BaseModel):
    """What reaching the CSM's goal means, measured on the customer's state."""

    min_satisfaction: float = Field(default=0.7, ge=0, le=1)
    min_trust: float = Field(default=0.6, ge=0, le=1)
    objections_handled: int = Field(default=0, ge=0)


class Failure(BaseModel):
    """When the customer gives up: patience or satisfaction fall below these."""

    min_patience: float = Field(default=0.05, ge=0, le=1)
    min_satisfaction: float = Field(default=0.05, ge=0, le=1)


class Scenario(BaseModel):
    """A conversation to rehearse before having it with a real customer.

    Unknown fields are refused, so a misspelt (or retired, like ``persona_label``) field is an
    error rather than silently ignored.
    """

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=SCENARIO_NAME_PATTERN, max_length=64)
    title: Text = Field(max_length=80)
    customer_kind: Text = Field(
        max_length=120,
        description='Who the customer is, by kind: "a cost-conscious customer facing renewal".',
    )
    persona_traits: dict[str, Share] = Field(
        min_length=1,
        description="Trait targets that pick the persona.",
        json_schema_extra={"propertyNames": {"enum": list(TRAITS)}},
    )
    situation: Text = Field(max_length=2000)
    csm_goal: Text = Field(max_length=500)
    opening: Text = Field(max_length=2000)
    mood: dict[str, Share] = Field(
        default_factory=dict,
        description="Where satisfaction, trust and patience start.",
        json_schema_extra={"propertyNames": {"enum": list(MOODS)}},
    )
    hidden_objections: list[Objection] = Field(default_factory=list, max_length=10)
    success: Success = Field(default_factory=Success)
    failure: Failure = Field(default_factory=Failure)
    turn_limit: int = Field(default=10, ge=1, le=50)

    @field_validator("persona_traits")
    @classmethod
    def _known_traits(cls, traits: dict[str, float]) -> dict[str, float]:
        return _known_keys(traits, TRAITS, "traits")

    @field_validator("mood")
    @classmethod
    def _known_moods(cls, mood: dict[str, float]) -> dict[str, float]:
        return _known_keys(mood, MOODS, "moods")

    @property
    def label(self) -> str:
        """How pickers and lists name the scenario: its title and the kind of customer."""
        return f"{self.title} with {self.customer_kind}"

    def fit(self, character: Character) -> float:
        """Distance between the scenario's trait targets and a character (0 = perfect)."""
        return sum(
            (character.traits[trait] - target) ** 2 for trait, target in self.persona_traits.items()
        )

    def select(self, characters: Sequence[Character]) -> Character:
        """The character that fits the scenario best (ties go to the lowest persona id)."""
        if not characters:
            raise NotFound("no personas to practise with: build personas first")
        return min(characters, key=lambda character: (self.fit(character), character.persona_id))


def _known_keys(values: dict[str, float], known: Sequence[str], what: str) -> dict[str, float]:
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ValueError(f"unknown {what} {', '.join(unknown)}; known: {', '.join(known)}")
    return values


class Outcome(StrEnum):
    """Where a scenario run stands after a turn."""

    ONGOING = "ongoing"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    OUT_OF_TURNS = "out_of_turns"
    ENDED_EARLY = "ended_early"


def outcome(scenario: Scenario, state: ChatState) -> Outcome:
    """Whether the goal is reached, the customer gave up, or the turns ran out."""
    handled = len(state.handled_objections)
    if (
        state.satisfaction >= scenario.success.min_satisfaction
        and state.trust >= scenario.success.min_trust
        and handled >= scenario.success.objections_handled
    ):
        return Outcome.SUCCEEDED
    if (
        state.patience <= scenario.failure.min_patience
        or state.satisfaction <= scenario.failure.min_satisfaction
    ):
        return Outcome.FAILED
    if state.turn >= scenario.turn_limit:
        return Outcome.OUT_OF_TURNS
    return Outcome.ONGOING


@dataclass(frozen=True)
class CsmTurn:
    """What the CSM said in one turn and what it did."""

    text: str
    intents: frozenset[Intent]


_SPECIFIC = re.compile(r"\d|\b(monday|tuesday|wednesday|thursday|friday|because|so that)\b", re.I)


def clarity(turn: CsmTurn) -> float:
    """How clear one CSM turn is: specific, committed and of a readable length."""
    words = len(turn.text.split())
    score = 0.5
    score += 0.25 if _SPECIFIC.search(turn.text) else 0.0
    score += 0.15 if turn.intents & {Intent.TIMELINE, Intent.TECHNICAL} else 0.0
    score -= 0.4 if Intent.VAGUE in turn.intents else 0.0
    score -= 0.2 if words > 80 else 0.0
    return min(1.0, max(0.0, score))


class ScoreCard(BaseModel):
    """How the CSM did, with coaching that quotes their own turns."""

    scenario: str
    persona_id: int
    persona_name: str | None = None
    outcome: Outcome
    goal_reached: bool
    turns_used: int
    turn_limit: int
    empathy: float
    clarity: float
    objections_handled: int
    objections_total: int
    score: float
    feedback: list[str]


def _quote(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return f'"{text if len(text) <= limit else text[: limit - 1] + "…"}"'


def score_card(
    scenario: Scenario, state: ChatState, turns: Sequence[CsmTurn], *, persona_id: int
) -> ScoreCard:
    """Score a finished (or abandoned) run and write coaching feedback from the CSM's turns."""
    result = outcome(scenario, state)
    if result is Outcome.ONGOING:  # scored before the goal, the customer's exit or the last turn
        result = Outcome.ENDED_EARLY
    caring = [turn for turn in turns if turn.intents & {Intent.EMPATHY, Intent.APOLOGY}]
    empathy = min(1.0, len(caring) / max(1.0, len(turns) / 3)) if turns else 0.0
    clarity_scores = [clarity(turn) for turn in turns]
    mean_clarity = sum(clarity_scores) / len(clarity_scores) if clarity_scores else 0.0
    handled = len(state.handled_objections)
    total = len(scenario.hidden_objections)
    feedback: list[str] = []
    if caring:
        feedback.append(f"Good acknowledgement: {_quote(caring[0].text)} set a constructive tone.")
    elif turns:
        feedback.append(
            f"You never acknowledged the customer's situation; {_quote(turns[0].text)} went "
            "straight to the point. Name the impact on their team first."
        )
    vague = [turn for turn in turns if Intent.VAGUE in turn.intents]
    if vague:
        feedback.append(
            f"{_quote(vague[0].text)} committed to nothing; give a date, an owner or a mechanism."
        )
    pitches = [turn for turn in turns if Intent.UPSELL in turn.intents]
    if pitches and state.satisfaction < scenario.success.min_satisfaction:
        feedback.append(
            f"{_quote(pitches[0].text)} pitched more before the customer was satisfied; "
            "resolve their concern before selling."
        )
    best = max(range(len(turns)), key=lambda index: clarity_scores[index], default=None)
    if best is not None and clarity_scores[best] >= 0.75:
        feedback.append(f"Your clearest turn: {_quote(turns[best].text)}.")
    missed = [
        objection
        for objection in scenario.hidden_objections
        if objection.key in state.raised_objections
        and objection.key not in state.handled_objections
    ]
    for objection in missed:
        moves = " or ".join(intent.value.replace("_", " ") for intent in objection.handled_by)
        feedback.append(f"The objection {_quote(objection.text)} was never answered; try {moves}.")
    if not turns:
        feedback.append("No turns were played.")
    goal = result is Outcome.SUCCEEDED
    efficiency = 1 - state.turn / (scenario.turn_limit + 1)
    score = (
        40 * goal
        + 20 * empathy
        + 20 * mean_clarity
        + 15 * (handled / total if total else 1.0)
        + 5 * efficiency
    )
    return ScoreCard(
        scenario=scenario.name,
        persona_id=persona_id,
        outcome=result,
        goal_reached=goal,
        turns_used=state.turn,
        turn_limit=scenario.turn_limit,
        empathy=round(empathy, 3),
        clarity=round(mean_clarity, 3),
        objections_handled=handled,
        objections_total=total,
        score=round(score, 1),
        feedback=feedback,
    )


def parse_scenario(text: str, *, source: str = "scenario") -> Scenario:
    """A scenario from YAML (or JSON) text, with one-line errors that say where it is wrong.

    Text that is not YAML, or not a mapping, is :class:`BadInput`; a mapping that breaks the
    scenario's rules is :class:`InvalidDocument`.
    """
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        raise BadInput(f"{source} is not valid YAML{line}") from error
    if not isinstance(document, dict):
        raise BadInput(f"{source} must be a mapping of fields (name, title, customer_kind, ...)")
    return scenario_from_document(document, source=source)


def scenario_from_document(document: dict[str, object], *, source: str = "scenario") -> Scenario:
    """A scenario from an already parsed document, with a one-line error for the first fault."""
    try:
        return Scenario.model_validate(document)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InvalidDocument(f"{source}: {where}: {first['msg']}") from error


def load_scenario_file(path: Path) -> Scenario:
    """A scenario from a YAML file, with one-line errors for a malformed file."""
    try:
        text = path.read_text("utf-8")
    except OSError as error:
        raise BadInput(f"cannot read scenario {path}: {error.strerror}") from error
    return parse_scenario(text, source=f"scenario {path}")


def builtin_scenarios() -> dict[str, Scenario]:
    """The four scenarios shipped with the product, by name."""
    folder = resources.files("cspersona.chat").joinpath("data/scenarios")
    scenarios = [
        Scenario.model_validate(yaml.safe_load(entry.read_text("utf-8")))
        for entry in sorted(folder.iterdir(), key=lambda entry: entry.name)
        if entry.name.endswith(".yaml")
    ]
    return {scenario.name: scenario for scenario in scenarios}
