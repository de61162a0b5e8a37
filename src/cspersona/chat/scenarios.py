"""Practice scenarios: a situation, a goal, hidden objections, how it ends, and the score card.

Scenarios are YAML files (the built-in ones in ``data/scenarios/``, custom ones anywhere). A
scenario picks its persona by traits, so it runs against whichever learned persona fits best.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError

from cspersona.chat.character import TRAITS, Character
from cspersona.chat.intents import Intent
from cspersona.chat.state import ChatState
from cspersona.exceptions import BadInput, NotFound


class Objection(BaseModel):
    """Something the customer holds back until the conversation gives it a reason to surface."""

    key: str
    text: str
    handled_by: list[Intent] = Field(min_length=1)
    keywords: list[str] = Field(default_factory=list)

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
    """A conversation to rehearse before having it with a real customer."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    persona_label: str
    persona_traits: dict[str, float] = Field(description="Trait targets that pick the persona.")
    situation: str
    csm_goal: str
    opening: str
    mood: dict[str, float] = Field(default_factory=dict)
    hidden_objections: list[Objection] = Field(default_factory=list)
    success: Success = Field(default_factory=Success)
    failure: Failure = Field(default_factory=Failure)
    turn_limit: int = Field(default=10, ge=1, le=50)

    def fit(self, character: Character) -> float:
        """Distance between the scenario's trait targets and a character (0 = perfect)."""
        unknown = set(self.persona_traits) - set(TRAITS)
        if unknown:
            raise BadInput(f"scenario {self.name}: unknown traits {sorted(unknown)}")
        return sum(
            (character.traits[trait] - target) ** 2 for trait, target in self.persona_traits.items()
        )

    def select(self, characters: Sequence[Character]) -> Character:
        """The character that fits the scenario best (ties go to the lowest persona id)."""
        if not characters:
            raise NotFound("no personas to practise with: build personas first")
        return min(characters, key=lambda character: (self.fit(character), character.persona_id))


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


def load_scenario_file(path: Path) -> Scenario:
    """A scenario from a YAML file, with one-line errors for a malformed file."""
    try:
        document = yaml.safe_load(path.read_text("utf-8"))
        return Scenario.model_validate(document)
    except OSError as error:
        raise BadInput(f"cannot read scenario {path}: {error.strerror}") from error
    except yaml.YAMLError as error:
        raise BadInput(f"scenario {path} is not valid YAML: {error}") from error
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise BadInput(f"scenario {path}: {where}: {first['msg']}") from error


def builtin_scenarios() -> dict[str, Scenario]:
    """The four scenarios shipped with the product, by name."""
    folder = resources.files("cspersona.chat").joinpath("data/scenarios")
    scenarios = [
        Scenario.model_validate(yaml.safe_load(entry.read_text("utf-8")))
        for entry in sorted(folder.iterdir(), key=lambda entry: entry.name)
        if entry.name.endswith(".yaml")
    ]
    return {scenario.name: scenario for scenario in scenarios}


def get_scenario(name_or_path: str, *, allow_files: bool = False) -> Scenario:
    """A built-in scenario by name, or (from the CLI only) a custom one from a YAML path."""
    scenarios = builtin_scenarios()
    if name_or_path in scenarios:
        return scenarios[name_or_path]
    path = Path(name_or_path)
    if allow_files and path.suffix in {".yaml", ".yml"}:
        return load_scenario_file(path)
    raise NotFound(f"scenario {name_or_path!r} not found; known: {', '.join(sorted(scenarios))}")
