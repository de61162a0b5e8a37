"""Playbook documents said in words for pages and the CLI: criteria, owners, escalation, reasons.

The definitions are JSON for machines; a CSM reads "ARR is at least $20,000", not ``arr ge 20000``.
"""

from collections.abc import Mapping
from datetime import date

from cspersona.playbooks.definition import (
    STEP_KIND_WORDS,
    SUCCESS_METRIC_WORDS,
    TRIGGER_WORDS,
    Criterion,
    EscalationPolicy,
    ReentryLimit,
    StepKind,
    SuccessCriterion,
    TriggerKind,
)

FIELD_WORDS = {
    "risk_tier": "the churn-risk tier",
    "arr": "ARR",
    "days_to_renewal": "days to renewal",
    "nps": "the NPS score",
    "persona_id": "the persona",
    "plan": "the plan",
}
OPERATOR_WORDS = {
    "eq": "is",
    "ne": "is not",
    "lt": "is below",
    "le": "is at most",
    "gt": "is above",
    "ge": "is at least",
    "in": "is one of",
}


def criterion_words(criterion: Criterion, persona_names: Mapping[int, str] | None = None) -> str:
    """``arr ge 20000`` as "ARR is at least $20,000"; a persona by its name where it is known."""
    values = criterion.value if isinstance(criterion.value, list) else [criterion.value]
    said = ", ".join(_value_words(criterion.field, item, persona_names or {}) for item in values)
    return f"{FIELD_WORDS[criterion.field]} {OPERATOR_WORDS[criterion.op]} {said}"


def _value_words(field: str, value: str | float, persona_names: Mapping[int, str]) -> str:
    if field == "arr" and isinstance(value, int | float):
        return f"${value:,.0f}"
    if field == "persona_id":
        number = int(float(value))
        return persona_names.get(number, f"persona {number}")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def due_words(days: int) -> str:
    """When a step is due: "on the day of entry", "1 day after entry", "7 days after entry"."""
    if days == 0:
        return "on the day of entry"
    return f"due {days} day{'s' if days != 1 else ''} after entry"


def owner_words(rule: str) -> str:
    """An owner rule (``csm``, ``user:NAME``, ``role:ROLE``) as a person would say it."""
    kind, _, value = rule.partition(":")
    if kind == "user":
        return value
    if kind == "role":
        return f"the {value} with the fewest open tasks"
    return "the customer's CSM"


def target_words(target: str) -> str:
    """An escalation target (``user:NAME`` or ``role:ROLE``) in words."""
    kind, _, value = target.partition(":")
    return value if kind == "user" else f"the {value}s"


def reentry_words(limit: ReentryLimit) -> str:
    """The limit as a phrase: "at most once every 90 days"."""
    times = "once" if limit.times == 1 else "twice" if limit.times == 2 else f"{limit.times} times"
    return f"at most {times} every {limit.days} days"


def escalation_words(policy: EscalationPolicy) -> list[str]:
    """Each level of the policy, then its loop and risk rule, as sentences."""
    if not policy.levels:
        lines = ["No escalation: overdue tasks stay with their owner."]
    else:
        lines = [
            f"Level {number}: {level.after_days} days past the due date, to "
            f"{target_words(level.target)}."
            for number, level in enumerate(policy.levels, start=1)
        ]
        if policy.repeat:
            lines.append(f"Then the levels repeat {policy.repeat} more time(s).")
    if policy.on_risk_worsening:
        lines.append("An open task escalates at once when its customer's risk tier rises.")
    return lines


def reason_words(reason: str, detail: str) -> str:
    """Why a customer is in a playbook: the trigger's detail, else the trigger in words."""
    if detail:
        return detail
    try:
        kind = TriggerKind(reason)
    except ValueError:
        return reason.replace("_", " ")
    return "started by hand by a CSM" if kind is TriggerKind.MANUAL else TRIGGER_WORDS[kind]


def kind_words(kind: str) -> str:
    """A step kind (``in_app``) as a label ("In-app message")."""
    try:
        return STEP_KIND_WORDS[StepKind(kind)]
    except ValueError:
        return kind


def day_words(day: date) -> str:
    """A day as people write it: ``3 March 2025``."""
    return f"{day.day} {day:%B %Y}"


CHANNEL_WORDS = {
    "email": "E-mail",
    "call": "Call script",
    "meeting": "Meeting agenda",
    "in_app": "In-app message",
    "internal": "Internal note",
}


def channel_words(channel: str) -> str:
    """A template's channel as a label ("E-mail", "Call script")."""
    return CHANNEL_WORDS.get(channel, channel)


RATE_METRICS = {"churn_rate", "renewal_rate", "risk_tier_high_share", "expansion_rate"}


def success_words(criterion: SuccessCriterion) -> str:
    """A criterion in words, rates as percentages: "Renewal rate at 90% within 120 days"."""
    target = criterion.target
    said = (
        f"{target:.0%}" if criterion.metric in RATE_METRICS and 0 <= target <= 1 else f"{target:g}"
    )
    metric = SUCCESS_METRIC_WORDS[criterion.metric]
    return f"{metric[:1].upper()}{metric[1:]} at {said} within {criterion.window_days} days"
