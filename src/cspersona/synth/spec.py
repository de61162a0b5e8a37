"""The world's specification as data: archetypes (``archetypes.yaml``), knobs (``world.yaml``).

Nothing here generates anything; the models only give the YAML files a checked shape, so that
changing an archetype or a rate is an edit of data, never of code.
"""

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cspersona.exceptions import ConfigError
from cspersona.synth.labels import ConversationKind, Emotion, Sentiment, Topic

DATA_DIR = Path(__file__).with_name("data")
ModelT = TypeVar("ModelT", bound=BaseModel)
ValueT = TypeVar("ValueT")


class Spec(BaseModel):
    """Strict base: an unknown key in the YAML is a typo, not something to ignore."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Trait(Spec):
    """An archetype's centre for one latent trait and how far its customers vary around it."""

    mean: float
    spread: float = Field(ge=0)


class Traits(Spec, Generic[ValueT]):
    """Every latent trait (``archetypes.yaml`` explains each).

    An archetype gives a :class:`Trait` (centre and spread) for each; a customer, a number.
    """

    sophistication: ValueT
    formality: ValueT
    verbosity: ValueT
    typo_rate: ValueT
    enthusiasm: ValueT
    sentiment_bias: ValueT
    escalation_proneness: ValueT
    patience_hours: ValueT
    reply_delay_hours: ValueT
    nps_mean: ValueT
    usage_growth: ValueT
    utilisation: ValueT
    churn_hazard: ValueT
    expansion_propensity: ValueT
    champion_turnover: ValueT
    plan_tier: ValueT


class Archetype(Spec):
    """One kind of customer: its traits and the mixes its customers vary around."""

    key: str
    name: str
    description: str
    volume: dict[ConversationKind, float]
    traits: Traits[Trait]
    topics: dict[Topic, float]
    ticket_channels: dict[str, float]
    chat_channels: dict[str, float]
    features: dict[str, float]
    industries: dict[str, float]
    sizes: dict[str, float]
    roles: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _volume_covers_every_kind(self) -> "Archetype":
        missing = [kind.value for kind in ConversationKind if kind not in self.volume]
        if missing:
            raise ValueError(f"archetype {self.key} has no volume for {', '.join(missing)}")
        return self


class Region(Spec):
    """A sales region: its share of customers, working-hours offset and Faker locales."""

    name: str
    weight: float = Field(gt=0)
    utc_offset_hours: int
    locales: list[str] = Field(min_length=1)


class CompanySpec(Spec):
    """How companies, contracts and the vendor's staff are drawn."""

    new_customer_share: float = Field(ge=0, le=1)
    history_years: float = Field(gt=0)
    regions: list[Region] = Field(min_length=1)
    seats_by_size: dict[str, tuple[int, int]]
    seat_price_range: tuple[float, float]
    max_discount: float = Field(ge=0, lt=1)
    contacts_by_size: dict[str, int]
    extra_roles: list[str]
    csm_count: int = Field(ge=1)
    agent_count: int = Field(ge=1)


class HazardSpec(Spec):
    """A weekly hazard: a base rate scaled by exp(weights . state)."""

    base_weekly: float = Field(gt=0)
    weights: dict[str, float]


class Decline(Spec):
    """How often a risk episode drags one observable down, and how deep it goes."""

    probability: float = Field(ge=0, le=1)
    depth: tuple[float, float]


class RiskSpec(Spec):
    """Risk episodes: weeks in which usage, mood and support go bad, then churn or recover.

    An episode ramps its declines in, holds them, and either ends in churn (after a delay) or
    fades out. Whether it ends in churn is a logistic function of how deep each decline runs
    and whether the champion left, so several observables carry the signal.
    """

    weekly_rate: float = Field(ge=0, le=1)
    ramp_weeks: tuple[int, int]
    hold_weeks: tuple[int, int]
    recovery_weeks: tuple[int, int]
    usage: Decline
    mood: Decline
    friction: Decline
    champion_loss: float = Field(ge=0, le=1)
    churn_logit: dict[str, float]
    churn_delay_weeks: tuple[int, int]


class LifeSpec(Spec):
    """The weekly latent state of a customer: engagement, mood, friction and its champion."""

    engagement_persistence: float = Field(gt=0, lt=1)
    engagement_noise: float = Field(ge=0)
    mood_persistence: float = Field(gt=0, lt=1)
    mood_noise: float = Field(ge=0)
    friction_persistence: float = Field(gt=0, lt=1)
    incident_weekly_rate: float = Field(ge=0, le=1)
    incident_mood_hit: float
    onboarding_days: int = Field(gt=0)
    risk: RiskSpec
    silent_churn_weekly: float = Field(ge=0, le=1)
    renewal_window_days: int = Field(ge=0)
    renewal_risk_factor: float = Field(ge=1)
    expansion: HazardSpec
    expansion_min_gap_days: int = Field(ge=0)
    expansion_seat_growth: tuple[float, float]
    expansion_upgrade_share: float = Field(ge=0, le=1)
    contraction_engagement_below: float
    contraction_probability: float = Field(ge=0, le=1)
    contraction_seat_cut: tuple[float, float]


class DialogueSpec(Spec):
    """Turn-by-turn sentiment dynamics of conversations (in log-odds-like mood units)."""

    negative_below: float
    positive_above: float
    mood_weight: float
    friction_weight: float
    turn_noise: float = Field(ge=0)
    persistence: float = Field(ge=0, le=1)
    topic_mood: dict[Topic, float]
    helpful_rate: float = Field(ge=0, le=1)
    helpful_friction_penalty: float = Field(ge=0)
    helpful_round_gain: float = Field(ge=0)
    helpful_effect: float
    unhelpful_effect: float
    ask_info_rate: float = Field(ge=0, le=1)
    escalation_below: float
    recovery_helpful_rate: float = Field(ge=0, le=1)
    max_rounds: dict[ConversationKind, int]
    agent_positive_rate: float = Field(ge=0, le=1)
    agent_negative_rate: float = Field(ge=0, le=1)
    unresolved_base: float = Field(ge=0, le=1)
    unresolved_friction_weight: float = Field(ge=0)
    unresolved_days: tuple[float, float]
    unresolved_escalation_weight: float = Field(ge=0)
    csm_initiated_share: float = Field(ge=0, le=1)
    quiet_no_reply_rate: float = Field(ge=0, le=1)
    no_reply_rate: float = Field(ge=0, le=1)
    champion_share: float = Field(ge=0, le=1)
    quote_rate: float = Field(ge=0, le=1)
    channel_topic_affinity: dict[ConversationKind, dict[Topic, float]]
    friction_ticket_weight: float = Field(ge=0)
    emotion_rates: dict[Sentiment, dict[Emotion, float]]
    agent_reply_hours: dict[str, float]
    csm_reply_hours: float = Field(gt=0)
    chat_reply_seconds: float = Field(gt=0)
    delay_spread: float = Field(ge=0)
    friction_delay_weight: float = Field(ge=0)
    silent_after_fix: float = Field(ge=0, le=1)


class NpsSpec(Spec):
    """Quarterly NPS surveys: who answers and how mood and friction move the score."""

    every_days: int = Field(gt=0)
    response_rate: float = Field(ge=0, le=1)
    quiet_response_rate: float = Field(ge=0, le=1)
    comment_rate: float = Field(ge=0, le=1)
    mood_weight: float
    friction_weight: float
    noise: float = Field(ge=0)


class UsageSpec(Spec):
    """Daily product usage around the weekly engagement level."""

    weekend_factor: float = Field(ge=0, le=1)
    holiday_factor: float = Field(ge=0, le=1)
    logins_per_user: float = Field(gt=0)
    events_per_user: float = Field(gt=0)
    adoption_lag_days: float = Field(gt=0)


class ProgrammeSpec(Spec):
    """A CSM programme run as a playbook, with the effect it really has (planted, recorded).

    When a risk episode starts, a customer of an archetype it serves is noticed
    ``notice_weeks`` later and enters with ``entry_probability``; ``held_back_share`` of the
    entries are held back at random (the control arm). For treated customers the episode's
    churn probability falls by ``churn_reduction`` (relative), and the expansion hazard rises
    by ``expansion_lift`` (relative) until the next contract anniversary.
    """

    playbook: str = Field(min_length=1)
    archetypes: list[str] = Field(min_length=1)
    notice_weeks: int = Field(ge=0, le=3)
    entry_probability: float = Field(ge=0, le=1)
    held_back_share: float = Field(ge=0, le=1)
    churn_reduction: float = Field(ge=0, le=1)
    expansion_lift: float = Field(ge=0)


class WorldSpec(Spec):
    """Volumes, the time window and every rate of the world (``world.yaml``)."""

    window_start: date
    window_end: date
    customers_per_archetype: int = Field(ge=1)
    volume: dict[ConversationKind, int]
    mix_concentration: float = Field(gt=0)
    volume_shape: float = Field(gt=0)
    company: CompanySpec
    life: LifeSpec
    dialogue: DialogueSpec
    nps: NpsSpec
    usage: UsageSpec
    programmes: list[ProgrammeSpec] = []

    @model_validator(mode="after")
    def _window_is_ordered(self) -> "WorldSpec":
        if self.window_end <= self.window_start:
            raise ValueError("window_end must come after window_start")
        return self

    @model_validator(mode="after")
    def _programmes_are_distinct(self) -> "WorldSpec":
        names = [programme.playbook for programme in self.programmes]
        if len(set(names)) != len(names):
            raise ValueError("two programmes share a playbook name")
        return self


def read_yaml(path: Path) -> Any:
    """Parse a packaged YAML file, turning a missing or malformed file into a ConfigError."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    except FileNotFoundError:
        raise ConfigError(f"synthetic world file {path} does not exist") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path} is not valid YAML: {str(error).splitlines()[0]}") from None


def parse_model(model: type[ModelT], path: Path, data: Any) -> ModelT:
    """Validate ``data`` read from ``path``; the first problem becomes a one-line ConfigError."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"{path} is invalid at {where}: {first['msg']}") from None


@lru_cache(maxsize=1)
def load_world() -> WorldSpec:
    """The packaged world specification."""
    path = DATA_DIR / "world.yaml"
    return parse_model(WorldSpec, path, read_yaml(path))


@lru_cache(maxsize=1)
def load_archetypes() -> tuple[Archetype, ...]:
    """The packaged archetypes, in file order (the order every loop over them follows)."""
    path = DATA_DIR / "archetypes.yaml"
    data = read_yaml(path)
    entries = data.get("archetypes") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{path} has no `archetypes` list")
    return tuple(parse_model(Archetype, path, entry) for entry in entries)
