"""What the ROI page and the executive report show: effects, costs, retention and revenue.

These types are the contract between the figures (``roi.figures``) and their readers (the
dashboard's ROI page, the executive report's HTML and PDF, the API and the CLI).
"""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

# Every interval is at 90% unless a caller asks otherwise.
LEVEL = 0.90


@dataclass(frozen=True)
class Interval:
    """An estimate with its confidence bounds at ``level``.

    Every figure is one, so a reader never sees a point estimate without its uncertainty.
    """

    estimate: float
    low: float
    high: float
    level: float = LEVEL

    def covers(self, value: float) -> bool:
        """Whether ``value`` lies inside the bounds (inclusive)."""
        return self.low <= value <= self.high

    def scaled(self, factor: float) -> "Interval":
        """The same interval multiplied by ``factor`` (a positive number: ARR, a count)."""
        return Interval(self.estimate * factor, self.low * factor, self.high * factor, self.level)


class Design(StrEnum):
    """How an effect was measured: against a randomised held-back group, or by comparison only."""

    RANDOMISED = "randomised"
    OBSERVATIONAL = "observational"


@dataclass(frozen=True)
class Period:
    """A quarter (``2025-Q3``) or a month (``2025-09``) to report on; ``end`` is exclusive."""

    label: str
    start: date
    end: date


@dataclass(frozen=True)
class Effect:
    """What a playbook (or all playbooks for one persona) did, over the effect window.

    Rates are shares (0.12 is 12%). ``churn_reduction`` is the held-back churn rate minus the
    treated one: positive means fewer customers churned with the playbook. ``saved_arr`` is the
    retained-ARR difference applied to the treated customers' starting ARR.
    """

    scope: str  # "playbook" or "persona"
    name: str
    design: Design
    window_days: int
    treated: int
    held_back: int
    churn_treated: float | None
    churn_held_back: float | None
    churn_reduction: Interval | None
    cuped_churn_reduction: Interval | None
    variance_reduction: float | None
    retained_arr_difference: Interval | None
    saved_arr: Interval | None
    sequential_p_value: float | None
    minimum_detectable_reduction: float | None
    # The smallest retained-ARR difference (a share of starting ARR) these arms could show.
    minimum_detectable_arr_difference: float | None = None
    # True when the rates are weighted over several playbooks, so their gap is the reduction.
    standardised: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def relative_churn_reduction(self) -> float | None:
        """The reduction as a share of the held-back churn rate (0.2 is "20% fewer churned")."""
        if self.churn_reduction is None or not self.churn_held_back:
            return None
        return self.churn_reduction.estimate / self.churn_held_back


@dataclass(frozen=True)
class Cost:
    """What the interventions cost: CSM hours at the loaded rate, plus the tool's cost."""

    csm_hours: float
    hourly_rate: float
    tool_cost: float

    @property
    def total(self) -> float:
        """CSM time plus the tool."""
        return self.csm_hours * self.hourly_rate + self.tool_cost


@dataclass(frozen=True)
class RevenueMonth:
    """One month of the book's revenue movements, and the ARR the playbooks saved so far."""

    month: date
    starting_arr: float
    churned_arr: float
    contracted_arr: float
    expanded_arr: float
    saved_arr: float | None


@dataclass(frozen=True)
class RoiSummary:
    """Everything one period's ROI report says."""

    period: Period
    saved_arr: Interval | None
    saved_arr_design: Design
    cost: Cost
    roi: Interval | None
    gross_revenue_retention: float | None
    net_revenue_retention: float | None
    interventions: int
    customers_reached: int
    by_playbook: list[Effect]
    by_persona: list[Effect]
    revenue: list[RevenueMonth]
    notes: list[str] = field(default_factory=list)

    @property
    def revenue_moved(self) -> bool:
        """Whether any month lost or gained ARR: a chart of nothing but zeros says nothing."""
        return any(
            month.churned_arr or month.contracted_arr or month.expanded_arr
            for month in self.revenue
        )
