"""Practice scenarios: a situation, a goal, hidden objections, how it ends, and the score card.

Scenarios are YAML files (the built-in ones in ``data/scenarios/``, custom ones anywhere). A
scenario picks its persona by traits, so it runs against whichever learned persona fits best.
"""

from collections.abc import Sequence
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
    advice: str = Field(
        default="", description="Concrete coaching for a CSM who left the objection unanswered."
    )
    suggestion: str = Field(
        default="", description="A question the CSM could ask once the objection is raised."
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
    suggestions: list[str] = Field(
        default_factory=list, description="Questions that fit the situation, offered first."
    )

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


class Stance(StrEnum):
    """Where the customer stands at the end of a run, whatever the CSM hoped."""

    CONVINCED = "convinced"
    UNDECIDED = "undecided"
    UNCONVINCED = "unconvinced"


# Below either of these the customer is unconvinced, whatever else happened.
UNCONVINCED_SATISFACTION = 0.45
UNCONVINCED_TRUST = 0.45


def stance(scenario: Scenario, state: ChatState) -> Stance:
    """Convinced when the goal's state is reached with enough objections answered."""
    if (
        state.satisfaction >= scenario.success.min_satisfaction
        and state.trust >= scenario.success.min_trust
        and len(state.handled_objections) >= scenario.success.objections_handled
    ):
        return Stance.CONVINCED
    if (
        state.satisfaction < UNCONVINCED_SATISFACTION
        or state.trust < UNCONVINCED_TRUST
        or state.patience <= scenario.failure.min_patience
    ):
        return Stance.UNCONVINCED
    return Stance.UNDECIDED


def outcome(scenario: Scenario, state: ChatState) -> Outcome:
    """Succeeded only when the customer is convinced; failed when they give up."""
    if stance(scenario, state) is Stance.CONVINCED:
        return Outcome.SUCCEEDED
    if (
        state.patience <= scenario.failure.min_patience
        or state.satisfaction <= scenario.failure.min_satisfaction
    ):
        return Outcome.FAILED
    if state.turn >= scenario.turn_limit:
        return Outcome.OUT_OF_TURNS
    return Outcome.ONGOING


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
