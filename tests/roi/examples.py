"""A realistic quarter's ROI summary for the words, the report and the page to show.

Three playbooks (one randomised effect with a clear interval, one too small to read, one
observational), four personas and six months of revenue.
"""

from dataclasses import replace
from datetime import date

from cspersona.roi.summary import Cost, Design, Effect, Interval, Period, RevenueMonth, RoiSummary

QUARTER = Period("2025-Q3", date(2025, 7, 1), date(2025, 10, 1))
REDUCTION = Interval(0.062, 0.018, 0.106)
SAVED = Interval(96_000, 28_000, 164_000)


def effect(
    scope: str,
    name: str,
    *,
    design: Design = Design.RANDOMISED,
    treated: int = 120,
    held_back: int = 40,
    churn: tuple[float, float] | None = (0.084, 0.146),
    reduction: Interval | None = REDUCTION,
    saved: Interval | None = SAVED,
    detectable: float | None = 0.07,
) -> Effect:
    """One effect; the defaults are a clear randomised reduction."""
    return Effect(
        scope=scope,
        name=name,
        design=design,
        window_days=90,
        treated=treated,
        held_back=held_back,
        churn_treated=churn[0] if churn else None,
        churn_held_back=churn[1] if churn else None,
        churn_reduction=reduction,
        cuped_churn_reduction=reduction,
        variance_reduction=0.3 if reduction else None,
        retained_arr_difference=reduction,
        saved_arr=saved,
        sequential_p_value=0.02 if reduction else None,
        minimum_detectable_reduction=detectable,
    )


CLEAR = effect("playbook", "Onboarding rescue")
TOO_FEW = effect(
    "playbook",
    "Renewal early warning",
    treated=41,
    held_back=9,
    churn=None,
    reduction=None,
    saved=None,
    detectable=0.14,
)
OBSERVED = effect(
    "playbook",
    "Executive check-in",
    design=Design.OBSERVATIONAL,
    treated=64,
    held_back=210,
    churn=(0.11, 0.13),
    reduction=Interval(0.02, -0.03, 0.07),
    saved=Interval(21_000, -30_000, 72_000),
)


def quarter_summary() -> RoiSummary:
    """The 2025-Q3 summary every report test reads."""
    personas = [
        effect("persona", "Power Users", reduction=Interval(0.08, 0.02, 0.14)),
        effect("persona", "Budget Skeptics", reduction=Interval(0.05, -0.01, 0.11)),
        effect("persona", "Growth Seekers", reduction=Interval(0.03, -0.04, 0.10)),
        replace(TOO_FEW, scope="persona", name="Quiet Adopters"),
    ]
    revenue = [
        RevenueMonth(date(2025, month, 1), 2_400_000 + 20_000 * month, churn, 8_000, grow, saved)
        for month, churn, grow, saved in (
            (4, 42_000, 31_000, None),
            (5, 38_000, 36_000, None),
            (6, 51_000, 29_000, 12_000),
            (7, 33_000, 44_000, 48_000),
            (8, 29_000, 52_000, 97_000),
            (9, 24_000, 47_000, 184_000),
        )
    ]
    return RoiSummary(
        period=QUARTER,
        saved_arr=Interval(184_000, 52_000, 316_000),
        saved_arr_design=Design.RANDOMISED,
        cost=Cost(csm_hours=320, hourly_rate=110, tool_cost=24_000),
        roi=Interval(3.1, 0.9, 5.3),
        gross_revenue_retention=0.912,
        net_revenue_retention=1.043,
        interventions=1_284,
        customers_reached=225,
        by_playbook=[CLEAR, TOO_FEW, OBSERVED],
        by_persona=personas,
        revenue=revenue,
    )
