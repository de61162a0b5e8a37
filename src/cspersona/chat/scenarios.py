"""Practice scenarios: a situation, a goal, hidden objections, how it ends, and the score card.

Scenarios are YAML documents: the built-in ones in ``data/scenarios/``, custom ones stored by an
analyst (``scenario_store``) or read from a file by the CLI. A scenario describes its customer by
kind and picks its persona by traits, so it runs against whichever learned persona fits best.
"""

from collections.abc import Sequence
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
OptionalText = Annotated[str, StringConstraints(pattern=STORABLE_TEXT)]


class Objection(BaseModel):
    """Something the customer holds back until the conversation gives it a reason to surface."""

    key: Text = Field(max_length=64)
    text: Text = Field(max_length=500)
    handled_by: list[Intent] = Field(min_length=1)
    keywords: list[Annotated[Text, Field(max_length=80)]] = Field(
        default_factory=list, max_length=20
    )
    advice: Annotated[OptionalText, Field(max_length=300)] = Field(
        default="", description="Concrete coaching for a CSM who left the objection unanswered."
    )
    suggestion: Annotated[OptionalText, Field(max_length=200)] = Field(
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
    suggestions: list[Annotated[Text, Field(max_length=200)]] = Field(
        default_factory=list,
        max_length=20,
        description="Questions that fit the situation, offered to the CSM first.",
    )

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
