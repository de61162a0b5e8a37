"""Entry and exit criteria evaluated on a customer's current state.

Entry needs every criterion to hold; exit needs any one. A criterion on a field the customer has
no value for does not hold, so a customer without an NPS score never enters on ``nps lt 7``.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from cspersona.playbooks.definition import RISK_TIERS, Criterion

RISK_TIER_ORDER = {tier: rank for rank, tier in enumerate(RISK_TIERS)}


@dataclass(frozen=True)
class CustomerState:
    """What criteria read about a customer at one moment."""

    customer_id: int
    risk_tier: str | None = None
    arr: float | None = None
    days_to_renewal: int | None = None
    nps: float | None = None
    persona_id: int | None = None
    plan: str | None = None


def holds(criterion: Criterion, state: CustomerState) -> bool:
    """Whether ``criterion`` holds for ``state``."""
    actual = getattr(state, criterion.field)
    if actual is None:
        return False
    if criterion.op == "in":
        allowed = criterion.value if isinstance(criterion.value, list) else [criterion.value]
        wanted = _comparable(criterion.field, actual)
        return any(wanted == _comparable(criterion.field, value) for value in allowed)
    left = _comparable(criterion.field, actual)
    right = _comparable(criterion.field, criterion.value)
    if criterion.op == "eq":
        return left == right
    if criterion.op == "ne":
        return left != right
    if not isinstance(left, float) or not isinstance(right, float):
        return False
    return {
        "lt": left < right,
        "le": left <= right,
        "gt": left > right,
        "ge": left >= right,
    }[criterion.op]


def entry_met(criteria: Sequence[Criterion], state: CustomerState) -> bool:
    """All entry criteria hold (none: anyone may enter)."""
    return all(holds(criterion, state) for criterion in criteria)


def exit_met(criteria: Sequence[Criterion], state: CustomerState) -> Criterion | None:
    """The first exit criterion that holds, or None."""
    return next((criterion for criterion in criteria if holds(criterion, state)), None)


def _comparable(field: str, value: object) -> float | str | None:
    """Tiers compare by rank, numbers as floats, everything else as lower-case text."""
    if isinstance(value, list):
        return None
    if field == "risk_tier":
        rank = RISK_TIER_ORDER.get(str(value).lower())
        return None if rank is None else float(rank)
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        return str(value).lower()
