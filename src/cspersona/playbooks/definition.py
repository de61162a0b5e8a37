"""What a playbook says, as typed documents: trigger, criteria, steps, escalation, success.

A playbook row stores these as JSON (``playbooks.trigger``, ``steps``, ...) so an analyst's editor,
the generator and an LLM all write the same shape, validated here on the way in and out. Every
field has a default a hand-written playbook may leave out.
"""

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from cspersona.http.limits import MAX_ID, TEXT_PATTERN

# The churn stage's tiers (``predict.tiers.RiskTier``), least risky first: criteria compare them
# by this rank. Spelled out so reading a playbook does not load numpy; a test keeps them equal.
RISK_TIERS = ("normal", "elevated", "high")


class Document(BaseModel):
    """A JSON document of a playbook row: unknown keys are refused, not silently dropped."""

    model_config = ConfigDict(extra="forbid")

    def document(self) -> dict[str, Any]:
        """The JSON to store."""
        return self.model_dump(mode="json")


class TriggerKind(StrEnum):
    """What starts a playbook for a customer (see ``playbooks.triggers``)."""

    RISK_TIER_RISES = "risk_tier_rises"
    CHURN_SIGNAL = "churn_signal"
    NPS_DROP = "nps_drop"
    PERSONA_SWITCH = "persona_switch"
    RENEWAL_WITHIN = "renewal_within"
    EXPANSION_NOW = "expansion_now"
    MANUAL = "manual"


TRIGGER_WORDS: dict[TriggerKind, str] = {
    TriggerKind.RISK_TIER_RISES: "the churn-risk tier rises",
    TriggerKind.CHURN_SIGNAL: "a churn signal fires",
    TriggerKind.NPS_DROP: "the NPS score drops",
    TriggerKind.PERSONA_SWITCH: "the customer switches persona",
    TriggerKind.RENEWAL_WITHIN: "the renewal is near",
    TriggerKind.EXPANSION_NOW: "an expansion opportunity is marked now",
    TriggerKind.MANUAL: "a CSM starts it by hand",
}


class Trigger(Document):
    """The event that enters a customer: its kind and its settings.

    ``days`` is the renewal window for ``renewal_within``; ``points`` the size of an NPS drop;
    ``to_tier`` the tier a rising risk must reach.
    """

    kind: TriggerKind = TriggerKind.MANUAL
    days: int | None = Field(default=None, ge=1, le=730)
    points: int | None = Field(default=None, ge=1, le=10)
    to_tier: Literal["elevated", "high"] | None = None

    def describe(self) -> str:
        """The trigger in words, for pages and the CLI."""
        if self.kind is TriggerKind.RENEWAL_WITHIN and self.days:
            return f"the renewal is {self.days} days away or less"
        if self.kind is TriggerKind.NPS_DROP and self.points:
            return f"the NPS score drops by {self.points} points or more"
        if self.kind is TriggerKind.RISK_TIER_RISES and self.to_tier:
            return f"the churn-risk tier rises to {self.to_tier}"
        return TRIGGER_WORDS[self.kind]


CriterionField = Literal["risk_tier", "arr", "days_to_renewal", "nps", "persona_id", "plan"]
CriterionOperator = Literal["eq", "ne", "lt", "le", "gt", "ge", "in"]
CriterionValue = Annotated[str, Field(max_length=200, pattern=TEXT_PATTERN)] | float


class Criterion(Document):
    """One condition on a customer's current state, such as ``arr ge 20000``."""

    field: CriterionField
    op: CriterionOperator
    value: CriterionValue | list[CriterionValue]

    @model_validator(mode="after")
    def _tiers_exist(self) -> "Criterion":
        if self.field == "risk_tier":
            values = self.value if isinstance(self.value, list) else [self.value]
            unknown = [str(v) for v in values if str(v).lower() not in RISK_TIERS]
            if unknown:
                raise ValueError(
                    f"risk tier {', '.join(unknown)} does not exist; tiers: {', '.join(RISK_TIERS)}"
                )
        return self


class Criteria(Document):
    """Who may enter (``entry``, all must hold) and when a customer leaves (``exit``, any holds)."""

    entry: list[Criterion] = []
    exit: list[Criterion] = []


class ReentryLimit(Document):
    """At most ``times`` entries per customer in any ``days`` days ("at most X every Y days")."""

    times: int = Field(default=1, ge=1, le=100)
    days: int = Field(default=90, ge=1, le=3650)


class StepKind(StrEnum):
    """How a step reaches the customer, or that it is internal work."""

    EMAIL = "email"
    CALL = "call"
    MEETING = "meeting"
    IN_APP = "in_app"
    INTERNAL_TASK = "internal_task"


STEP_KIND_WORDS: dict[StepKind, str] = {
    StepKind.EMAIL: "E-mail",
    StepKind.CALL: "Call",
    StepKind.MEETING: "Meeting",
    StepKind.IN_APP: "In-app message",
    StepKind.INTERNAL_TASK: "Internal task",
}

# Who does a step: the customer's CSM, a named user, or the least-loaded user of a role.
# User names hold no NUL, which PostgreSQL refuses (like every text field here: ``TEXT_PATTERN``).
USER_OR_ROLE = r"user:[^\s:\x00][^:\x00]*|role:(admin|analyst|csm|viewer)"
OWNER_RULE_PATTERN = rf"^(csm|{USER_OR_ROLE})$"


class Template(Document):
    """A message for one channel: subject (e-mail only) and body, in Jinja2 (sandboxed)."""

    channel: Literal["email", "call", "meeting", "in_app", "internal"]
    subject: str | None = Field(default=None, max_length=300, pattern=TEXT_PATTERN)
    body: str = Field(min_length=1, max_length=10_000, pattern=TEXT_PATTERN)


class Step(Document):
    """One step of a playbook: what to do, due how many days after entry, by whom."""

    title: str = Field(min_length=1, max_length=200, pattern=TEXT_PATTERN)
    kind: StepKind
    due_days: int = Field(default=0, ge=0, le=365)
    owner: str = Field(default="csm", pattern=OWNER_RULE_PATTERN)
    instructions: str = Field(default="", max_length=5_000, pattern=TEXT_PATTERN)
    templates: list[Template] = []


class EscalationLevel(Document):
    """Escalate to ``target`` (``user:NAME`` or ``role:ROLE``) ``after_days`` past the due date."""

    after_days: int = Field(ge=0, le=365)
    target: str = Field(pattern=rf"^({USER_OR_ROLE})$")


class EscalationPolicy(Document):
    """Levels in order, like a PagerDuty policy; ``repeat`` loops through them again that often.

    ``on_risk_worsening`` escalates an open task at once when its customer's risk tier rises.
    """

    levels: list[EscalationLevel] = []
    repeat: int = Field(default=0, ge=0, le=5)
    on_risk_worsening: bool = True

    @field_validator("levels")
    @classmethod
    def _levels_in_order(cls, levels: list[EscalationLevel]) -> list[EscalationLevel]:
        delays = [level.after_days for level in levels]
        if delays != sorted(delays):
            raise ValueError("escalation levels must be in order of their delays")
        return levels


SuccessMetric = Literal[
    "churn_rate", "renewal_rate", "risk_tier_high_share", "nps", "active_users", "expansion_rate"
]

SUCCESS_METRIC_WORDS: dict[str, str] = {
    "churn_rate": "churn rate",
    "renewal_rate": "renewal rate",
    "risk_tier_high_share": "share of customers at high risk",
    "nps": "average NPS score",
    "active_users": "average active users",
    "expansion_rate": "expansion rate",
}


class SuccessCriterion(Document):
    """What the playbook should move: a metric, its target and the window it is read over."""

    metric: SuccessMetric
    target: float
    window_days: int = Field(default=90, ge=7, le=730)

    def describe(self) -> str:
        """The criterion in words."""
        metric = SUCCESS_METRIC_WORDS[self.metric]
        return f"{metric} at {self.target:g} within {self.window_days} days"


class Evidence(Document):
    """One fact the generator used, in words, and where it came from."""

    source: Literal["profile", "churn_drivers", "expansion_drivers", "history", "overlay", "llm"]
    text: str = Field(max_length=2_000, pattern=TEXT_PATTERN)


class PlaybookDefinition(Document):
    """Everything a playbook says, as the editor, the generator and the API exchange it."""

    name: str = Field(min_length=1, max_length=128, pattern=TEXT_PATTERN)
    objective: str = Field(default="", max_length=2_000, pattern=TEXT_PATTERN)
    persona_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(default=[], max_length=100)
    trigger: Trigger = Trigger()
    criteria: Criteria = Criteria()
    reentry: ReentryLimit = ReentryLimit()
    steps: list[Step] = Field(min_length=1, max_length=30)
    escalation: EscalationPolicy = EscalationPolicy()
    success: list[SuccessCriterion] = []
    control_share: float = Field(default=0.10, ge=0.0, le=0.5)
    evidence: list[Evidence] = []

    @model_validator(mode="after")
    def _steps_in_order(self) -> "PlaybookDefinition":
        due = [step.due_days for step in self.steps]
        if due != sorted(due):
            raise ValueError("steps must be in order of their due days")
        return self
