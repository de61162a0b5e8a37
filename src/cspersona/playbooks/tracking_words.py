"""A playbook's tracked success metrics in words, the same on its page and in the CLI."""

from cspersona.playbooks.definition import SUCCESS_METRIC_WORDS
from cspersona.playbooks.tracking import EVENT_KINDS, MetricSeries, MonthPoint

# The subject of a summary line where the metric's own words would say "customers" twice.
SUBJECTS = {"risk_tier_high_share": "Share at high risk"}


def metric_label(series: MetricSeries) -> str:
    """The metric as a heading: "Churn rate"."""
    words = SUCCESS_METRIC_WORDS[series.metric]
    return f"{words[:1].upper()}{words[1:]}"


def value_words(series: MetricSeries, value: float | None) -> str:
    """A value as people read it: rates as percentages, a dash where nobody was measured."""
    if value is None:
        return "-"
    if not series.is_rate:
        return f"{value:.1f}"
    # One decimal below 10%, where it matters: "1.7%", "5%", "21%".
    said = f"{value:.1%}" if value < 0.1 else f"{value:.0%}"
    return said.replace(".0%", "%")


def month_words(point: MonthPoint) -> str:
    """The point's month: "November 2025"."""
    return f"{point.month:%B %Y}"


def target_words(series: MetricSeries) -> str:
    """The target with its window, and its pace a month for event rates.

    "21% within 365 days (1.9% a month)": a month's churn is held to the monthly pace.
    """
    said = f"{value_words(series, series.target)} within {series.window_days} days"
    if series.metric in EVENT_KINDS and series.monthly_target != series.target:
        said += f" ({value_words(series, series.monthly_target)} a month)"
    return said


def has_data(series: MetricSeries) -> bool:
    """Whether any month has a value for either arm."""
    return any(
        point.treated.value is not None or point.held_back.value is not None
        for point in series.points
    )


def summary_words(series: MetricSeries) -> str:
    """One line: the latest treated value against the target, or why there is none yet."""
    label = metric_label(series)
    measured = [point for point in series.points if point.treated.value is not None]
    if not measured:
        if has_data(series):
            return (
                f"{label}: no treated customer measured yet, only held-back ones; "
                f"the target is {target_words(series)}."
            )
        return (
            f"{label}: nothing to show yet; customers count from their first whole month "
            "in the playbook."
        )
    latest = measured[-1]
    subject = SUBJECTS.get(series.metric, label)
    line = (
        f"{subject} among treated customers: {value_words(series, latest.treated.value)} in "
        f"{month_words(latest)} ({_customers(latest.treated.customers)}) against a target of "
        f"{target_words(series)}"
    )
    if latest.held_back.value is not None:
        line += (
            f"; held back: {value_words(series, latest.held_back.value)} "
            f"({_customers(latest.held_back.customers)})"
        )
    return line + "."


def _customers(count: int) -> str:
    return f"{count:,} customer{'s' if count != 1 else ''}"
