"""Behavioural segments: engagement pattern, feature adoption, support habits, from features."""

import math

import pandas as pd

from cspersona.analytics.history import History
from cspersona.analytics.schemas import FeatureAdoption, Segment
from cspersona.analytics.support import first_topics

HIGH_TOUCH_CSM_SHARE = 0.35
HIGH_TOUCH_CONVERSATIONS = 3.0
SELF_SERVE_CSM_SHARE = 0.15
SELF_SERVE_CONVERSATIONS = 1.5
HEAVY_TICKETS_PER_30D = 2.0
SEVERE_SHARE = 0.4


def _value(row: pd.Series, name: str) -> float | None:
    """A feature value, None when unknown."""
    value = row.get(name)
    return None if value is None or pd.isna(value) else float(value)


def engagement(row: pd.Series) -> tuple[str, str]:
    """High-touch, self-serve or mixed, from CSM involvement and conversation rate; and why."""
    csm_share = _value(row, "csm_message_share") or 0.0
    rate = _value(row, "interactions_per_30d") or 0.0
    why = f"{csm_share:.0%} of staff replies from the CSM, {rate:.1f} conversations per 30 days"
    if csm_share >= HIGH_TOUCH_CSM_SHARE or rate >= HIGH_TOUCH_CONVERSATIONS:
        return "high-touch", why
    if csm_share < SELF_SERVE_CSM_SHARE and rate < SELF_SERVE_CONVERSATIONS:
        return "self-serve", why
    return "mixed", why


def adoption(row: pd.Series) -> list[FeatureAdoption]:
    """Each product feature's time to adopt and share of use, fastest adopted first."""
    features = sorted(
        name.removeprefix("feature_share_")
        for name in row.index
        if name.startswith("feature_share_")
    )
    entries = [
        FeatureAdoption(
            feature=feature,
            days_to_adopt=_value(row, f"adoption_days_{feature}"),
            share_of_use=_value(row, f"feature_share_{feature}"),
        )
        for feature in features
    ]
    return sorted(
        entries, key=lambda entry: (entry.days_to_adopt is None, entry.days_to_adopt or 0)
    )


def support_pattern(row: pd.Series) -> str:
    """A one-line description of how the customer uses support."""
    rate = _value(row, "tickets_per_30d") or 0.0
    severe = _value(row, "ticket_high_urgent_share") or 0.0
    reopen = _value(row, "ticket_reopen_rate") or 0.0
    volume = "heavy" if rate >= HEAVY_TICKETS_PER_30D else "light" if rate < 0.5 else "regular"
    urgency = "mostly urgent/high" if severe >= SEVERE_SHARE else "mostly routine"
    return f"{volume} ({rate:.1f} tickets per 30 days), {urgency}, {reopen:.0%} reopened"


def repeat_topics(history: History, customer_id: int) -> list[str]:
    """Topics the customer opened more than one ticket about, most frequent first."""
    interactions = history.interactions
    tickets = interactions[
        (interactions["customer_id"] == customer_id) & (interactions["type"] == "ticket")
    ]
    topics = first_topics(history).reindex(tickets["interaction_id"]).dropna()
    counts = topics.value_counts()
    analysis = history.analysis.dropna(subset=["topic"])
    names = dict(zip(analysis["topic"], analysis["topic_name"], strict=True))
    return [str(names[number]) for number, count in counts.items() if count > 1]


def segment_of(history: History, customer_id: int, row: pd.Series) -> Segment:
    """The behavioural segment of one customer."""
    label, why = engagement(row)
    breadth = _value(row, "feature_breadth_30d")
    return Segment(
        engagement=label,
        engagement_reason=why,
        adoption_breadth_30d=None if breadth is None or math.isnan(breadth) else breadth,
        adoption=adoption(row),
        support_pattern=support_pattern(row),
        repeat_topics=repeat_topics(history, customer_id),
    )
