"""ROI figures as sentences a CSM lead or a CFO reads without help.

The ROI page, the executive report (HTML and PDF) and the CLI all say their figures through these
functions, so a number never appears without its uncertainty and the design that measured it,
and the three cannot word the same figure differently.
"""

from collections.abc import Callable
from datetime import date

from cspersona.roi.summary import Cost, Design, Effect, Interval, Period, RoiSummary

RANDOMISED_WORDS = "measured against a randomised held-back group"
OBSERVATIONAL_WORDS = "observational comparison: not proof of cause"


def money(value: float) -> str:
    """``1234.5`` as ``$1,235``; a loss as ``-$1,235``."""
    return f"-${-value:,.0f}" if value < 0 else f"${value:,.0f}"


def short_money(value: float) -> str:
    """An axis label: ``150000`` as ``$150k``, ``1200000`` as ``$1.2M``."""
    sign, size = ("-" if value < 0 else ""), abs(value)
    if size >= 1_000_000:
        return f"{sign}${size / 1_000_000:g}M"
    return f"{sign}${size / 1_000:g}k" if size >= 1_000 else f"{sign}${size:,.0f}"


def share(value: float) -> str:
    """``0.125`` as ``12.5%``."""
    return f"{value * 100:.1f}%"


def points(value: float) -> str:
    """A difference of two shares, ``0.042``, as ``4.2 points``."""
    return f"{value * 100:.1f} points"


def multiple(value: float) -> str:
    """A return of ``3.14`` as ``3.1×``."""
    return f"{value:.1f}×"


def month_name(month: date) -> str:
    """``2025-09-01`` as ``September 2025``."""
    return f"{month:%B %Y}"


def period_name(period: Period) -> str:
    """``2025-Q3`` as ``July to September 2025``; a month as ``September 2025``."""
    last = date(period.end.year - (period.end.month == 1), (period.end.month - 2) % 12 + 1, 1)
    if last == period.start:
        return month_name(period.start)
    return f"{period.start:%B} to {month_name(last)}"


def design_words(design: Design) -> str:
    """How a figure was measured, in the words every figure carries."""
    return RANDOMISED_WORDS if design is Design.RANDOMISED else OBSERVATIONAL_WORDS


def design_explanation(design: Design) -> str:
    """How saved ARR was measured, for a reader who asks "compared with what?"."""
    if design is Design.RANDOMISED:
        return (
            "How it was measured: each playbook held back a random share of the customers it "
            "enrolled. Saved ARR is the ARR the treated customers kept beyond what the held-back "
            "ones kept, so the playbooks caused it."
        )
    return (
        "How it was measured: treated customers were compared with customers who were not "
        "treated. That is an observational comparison, not proof of cause: the groups may "
        "differ in ways the comparison cannot remove."
    )


def interval_words(interval: Interval, said: Callable[[float], str]) -> str:
    """``$184,000 (90% interval $52,000 to $316,000)``: the estimate, then its bounds."""
    level = f"{interval.level:.0%}"
    return (
        f"{said(interval.estimate)} ({level} interval "
        f"{said(interval.low)} to {said(interval.high)})"
    )


def _points_number(value: float) -> str:
    return f"{value * 100:.1f}"


def saved_arr_sentence(summary: RoiSummary) -> str:
    """Saved ARR with its interval and design, or why it cannot be given yet."""
    if summary.saved_arr is None:
        return (
            "Saved ARR: not measured yet: too few customers have finished their effect window, "
            "or too few on either side gained or lost ARR to weigh it."
        )
    figure = interval_words(summary.saved_arr, money)
    return f"Saved ARR: {figure}, {design_words(summary.saved_arr_design)}."


def cost_sentence(cost: Cost) -> str:
    """What the work cost and what it is made of."""
    hours = f"{cost.csm_hours:,.0f} CSM hours at {money(cost.hourly_rate)} an hour"
    tool = f" plus {money(cost.tool_cost)} for the tool" if cost.tool_cost else ""
    return f"Cost: {money(cost.total)}, {hours}{tool}."


def roi_sentence(summary: RoiSummary) -> str:
    """The return as a multiple of the cost, with its interval."""
    if summary.roi is None:
        return "Return on investment: not measured yet, it needs saved ARR and a cost."
    figure = interval_words(summary.roi, multiple)
    return f"Return on investment: {figure}: saved ARR divided by the cost."


def retention_sentences(summary: RoiSummary) -> list[str]:
    """Gross and net revenue retention over the period, each with what it counts."""
    said = []
    if summary.gross_revenue_retention is not None:
        said.append(
            f"Gross revenue retention: {share(summary.gross_revenue_retention)} of the starting "
            "ARR kept, after churn and contraction."
        )
    if summary.net_revenue_retention is not None:
        said.append(
            f"Net revenue retention: {share(summary.net_revenue_retention)} of the starting ARR, "
            "expansion counted too."
        )
    return said or ["Revenue retention: no ARR at the start of the period to measure it against."]


def reach_sentence(summary: RoiSummary) -> str:
    """How much work the figures rest on."""
    return (
        f"{summary.interventions:,} interventions reached {summary.customers_reached:,} "
        f"customers over {period_name(summary.period)}."
    )


def too_few_to_tell(effect: Effect) -> bool:
    """Whether an effect has no interval yet: too few customers on one side."""
    return effect.churn_reduction is None


# Pooled rates are weighted by each playbook's size, so that their gap is the reduction shown.
WEIGHTED = " (rates weighted by playbook)"


def effect_sentence(effect: Effect) -> str:
    """What one playbook (or one persona's playbooks) did to churn, and how sure we are."""
    if too_few_to_tell(effect):
        said = (
            f"Too few customers to tell yet: {effect.treated:,} treated and "
            f"{effect.held_back:,} held back"
        )
        if effect.minimum_detectable_reduction is not None:
            said += (
                f"; a reduction smaller than {effect.minimum_detectable_reduction * 100:.0f} points"
                " cannot be seen at this size"
            )
        return said + "."
    reduction = effect.churn_reduction
    assert reduction is not None
    comparison = "held back" if effect.design is Design.RANDOMISED else "not treated"
    rates = ""
    if effect.churn_treated is not None and effect.churn_held_back is not None:
        rates = (
            f"{share(effect.churn_treated)} against {share(effect.churn_held_back)} {comparison}"
        )
    if reduction.covers(0.0) and effect.churn_treated is not None:
        return (
            f"Cannot tell yet: within {effect.window_days} days {share(effect.churn_treated)} of "
            f"the {effect.treated:,} treated customers churned, against "
            f"{share(effect.churn_held_back or 0.0)} of the {effect.held_back:,} {comparison}"
            f"{WEIGHTED if effect.standardised else ''}, "
            f"{design_words(effect.design)}; the {reduction.level:.0%} interval runs from "
            f"{_signed_points(reduction.low)} to {_signed_points(reduction.high)}, so it includes "
            "no effect at all."
        )
    direction = "fewer" if reduction.estimate >= 0 else "more"
    bounds = (
        f"{reduction.level:.0%} interval {_points_number(reduction.low)} to "
        f"{_points_number(reduction.high)} points"
    )
    said = f"{points(abs(reduction.estimate))} {direction} customers churned ({bounds})"
    if rates:
        said += f", {rates}{WEIGHTED if effect.standardised else ''}"
    return said + f" over {effect.window_days} days, {design_words(effect.design)}."


def _signed_points(value: float) -> str:
    """A churn reduction bound as words: ``0.05`` "5.0 points fewer", ``-0.02`` "2.0 more"."""
    return f"{points(abs(value))} {'fewer' if value >= 0 else 'more'} churned"


def effect_saved_arr(effect: Effect) -> str | None:
    """The ARR one effect saved, with its interval; or, when it is not measured, what could be."""
    if effect.saved_arr is not None:
        return f"Saved ARR: {interval_words(effect.saved_arr, money)}."
    if effect.minimum_detectable_arr_difference is None or too_few_to_tell(effect):
        return None
    return (
        "Saved ARR: not measured yet, too few customers on a side gained or lost ARR; at this "
        "size, a difference in ARR kept smaller than "
        f"{effect.minimum_detectable_arr_difference * 100:.0f} points could not be seen."
    )


def headline(summary: RoiSummary) -> list[str]:
    """The sentences the page and the report open with, in order."""
    return [
        saved_arr_sentence(summary),
        cost_sentence(summary.cost),
        roi_sentence(summary),
        *retention_sentences(summary),
        reach_sentence(summary),
    ]


def caveats(summary: RoiSummary) -> list[str]:
    """What these numbers do and do not mean: read before quoting any of them."""
    said = [
        "Every figure is an estimate. The interval beside it is the range the true value lies in "
        "90 times out of 100 if the same work were repeated; a wide interval means too few "
        "customers yet, not a failure.",
        "Randomised figures compare customers a playbook treated with customers it held back at "
        "random, so the difference is caused by the playbook.",
        "Observational figures compare treated customers with customers who were not treated. "
        "Those groups differ in ways the comparison cannot remove, so they show a link, not "
        "proof of cause.",
        "Saved ARR counts the ARR that treated customers kept beyond what held-back customers "
        "kept, over each playbook's effect window; it is not revenue booked in the period.",
        "Return on investment divides saved ARR by the cost of CSM time and the tool; an interval "
        "that reaches below 1.0× means the work may not have paid for itself yet.",
    ]
    if any(too_few_to_tell(effect) for effect in summary.by_playbook):
        said.append(
            "Playbooks marked too few to tell are not failures: they need more customers before "
            "any effect can be seen."
        )
    return said + summary.notes
