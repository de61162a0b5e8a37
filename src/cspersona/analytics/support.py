"""Support ticket patterns per customer: volume, severity, resolution, reopening, repeat topics."""

import pandas as pd

from cspersona.analytics.history import History
from cspersona.analytics.patterns import STAFF_ROLES, hours_between, observed_periods

SEVERITY = {"low": 1.0, "normal": 2.0, "high": 3.0, "urgent": 4.0}
RECENT_DAYS = 90


def reopened(history: History) -> pd.Series:
    """Per interaction: did the customer write again after it was closed (or declared solved)?

    A staff turn that says the ticket is closed counts as closing it (``closes_ticket``).
    """
    messages = history.messages
    closing = messages["author_role"].isin(STAFF_ROLES) & messages["closes_ticket"]
    first_close = messages[closing].groupby("interaction_id")["seq"].min()
    customer = messages[messages["author_role"] == "customer"]
    closed_at = history.interactions.set_index("interaction_id")["closed_at"]
    after_phrase = customer["seq"] > customer["interaction_id"].map(first_close)
    after_close = customer["sent_at"] > customer["interaction_id"].map(closed_at)
    return (after_phrase | after_close).groupby(customer["interaction_id"]).any()


def first_topics(history: History) -> pd.Series:
    """Per interaction, the topic of the customer's first analysed message."""
    messages = history.messages
    customer = messages[messages["author_role"] == "customer"]
    topics = customer["message_id"].map(history.analysis["topic"]).dropna()
    return topics.groupby(customer.loc[topics.index, "interaction_id"]).first()


def first_response_hours(history: History) -> pd.Series:
    """Per interaction opened by the customer, hours until the first staff reply."""
    messages = history.messages
    first = messages.groupby("interaction_id").first()
    opened_by_customer = first[first["author_role"] == "customer"]
    staff = messages[messages["author_role"].isin(STAFF_ROLES)]
    first_reply = staff.groupby("interaction_id")["sent_at"].min()
    return hours_between(
        first_reply.reindex(opened_by_customer.index), opened_by_customer["sent_at"]
    ).dropna()


def ticket_patterns(history: History) -> pd.DataFrame:
    """Ticket volume and rate, severity, unresolved count, resolution and reopen rates, repeats."""
    interactions = history.interactions
    tickets = interactions[interactions["type"] == "ticket"].set_index("interaction_id")
    tickets = tickets.assign(
        severity=tickets["priority"].map(SEVERITY),
        severe=tickets["priority"].isin(("high", "urgent")).astype(float),
        unresolved=tickets["closed_at"].isna().astype(float),
        recent=(tickets["started_at"] >= history.reference - pd.Timedelta(days=RECENT_DAYS)).astype(
            float
        ),
        resolution_hours=hours_between(tickets["closed_at"], tickets["started_at"]),
        reopened=reopened(history).reindex(tickets.index).fillna(False).astype(float),
        first_response_hours=first_response_hours(history).reindex(tickets.index),
        topic=first_topics(history).reindex(tickets.index),
    )
    by_customer = tickets.groupby("customer_id")
    first_seen = interactions.groupby("customer_id")["started_at"].min()
    topical = tickets.dropna(subset=["topic"]).sort_values("started_at")
    topical = topical.assign(
        repeat=topical.duplicated(["customer_id", "topic"]).astype(float),
    )
    return pd.DataFrame(
        {
            "tickets_total": by_customer.size(),
            "tickets_per_30d": by_customer.size()
            / observed_periods(first_seen, history.reference).reindex(by_customer.size().index),
            "tickets_90d": by_customer["recent"].sum(),
            "ticket_severity_mean": by_customer["severity"].mean(),
            "ticket_high_urgent_share": by_customer["severe"].mean(),
            "tickets_unresolved_count": by_customer["unresolved"].sum(),
            "ticket_reopen_rate": by_customer["reopened"].mean(),
            "ticket_resolution_hours_median": by_customer["resolution_hours"].median(),
            "first_response_hours_median": first_response_hours(history)
            .groupby(interactions.set_index("interaction_id")["customer_id"])
            .median(),
            "ticket_repeat_topic_share": topical.groupby("customer_id")["repeat"].mean(),
        }
    )


def conversation_outcomes(history: History) -> pd.DataFrame:
    """Escalations so far, and how escalated conversations and staff replies turned out."""
    dynamics = history.dynamics
    by_customer = dynamics.groupby("customer_id")
    recent = dynamics["escalated_at"] >= history.reference - pd.Timedelta(days=RECENT_DAYS)
    return pd.DataFrame(
        {
            "escalations_total": by_customer["escalated"].sum(),
            "escalations_90d": recent.groupby(dynamics["customer_id"]).sum(),
            "escalation_rate": by_customer["escalated"].mean(),
            "escalation_recovery_rate": by_customer["recovered"].mean(),
            "reply_effect_mean": by_customer["reply_effect_mean"].mean(),
        }
    )
