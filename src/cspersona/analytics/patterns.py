"""Communication patterns per customer: how often, how long, where, when and how they write."""

import numpy as np
import pandas as pd

from cspersona.analytics.history import History
from cspersona.conversations.models import InteractionType

CHANNELS = ("email", "in_app", "slack", "teams", "api", "phone", "web")
DAYS_PER_PERIOD = 30.0
STAFF_ROLES = ("agent", "csm")


def observed_periods(first_seen: pd.Series, reference: pd.Timestamp) -> pd.Series:
    """How many 30-day periods lie between each customer's first contact and ``reference``."""
    days = (reference - first_seen).dt.total_seconds() / 86_400
    periods: pd.Series = (days / DAYS_PER_PERIOD).clip(lower=1.0)
    return periods


def hours_between(later: pd.Series, earlier: pd.Series) -> pd.Series:
    """Elapsed hours between two timestamp columns."""
    return (later - earlier).dt.total_seconds() / 3_600


def customer_messages(history: History) -> pd.DataFrame:
    """The customers' own messages with their text measures."""
    messages = history.messages
    mine: pd.DataFrame = messages[messages["author_role"] == "customer"]
    return mine


def _shares(frame: pd.DataFrame, column: str, values: tuple[str, ...], prefix: str) -> pd.DataFrame:
    """Per customer, the share of rows whose ``column`` takes each of ``values``."""
    dummies = pd.get_dummies(frame[column]).reindex(columns=list(values), fill_value=False)
    shares = dummies.astype(float).groupby(frame["customer_id"]).mean()
    return shares.add_prefix(prefix)


def reply_delays(messages: pd.DataFrame) -> pd.DataFrame:
    """Each message with who wrote the previous turn of its conversation and how long ago."""
    ordered = messages.sort_values(["interaction_id", "seq"])
    same = ordered["interaction_id"].eq(ordered["interaction_id"].shift())
    previous_role = ordered["author_role"].shift().where(same)
    delay = hours_between(ordered["sent_at"], ordered["sent_at"].shift()).where(same)
    return ordered.assign(previous_role=previous_role, hours_since_previous=delay)


def communication_patterns(history: History) -> pd.DataFrame:
    """Frequency, length, channel mix, timing, response habits, formality and technical level."""
    interactions = history.interactions
    own = customer_messages(history)
    by_customer = own.groupby("customer_id")
    first_seen = interactions.groupby("customer_id")["started_at"].min()
    periods = observed_periods(first_seen, history.reference)
    words = by_customer["words"].sum().clip(lower=1.0)
    hours = own["sent_at"].dt.hour
    weekday = own["sent_at"].dt.day_of_week
    timing = pd.DataFrame(
        {
            "customer_id": own["customer_id"],
            "business_hours": ((hours >= 8) & (hours < 18) & (weekday < 5)).astype(float),
            "weekend": (weekday >= 5).astype(float),
        }
    ).groupby("customer_id")
    delays = reply_delays(history.messages)
    customer_turns = delays[delays["author_role"] == "customer"]
    answers = customer_turns[customer_turns["previous_role"].isin(STAFF_ROLES)]
    staff = history.messages[history.messages["author_role"].isin(STAFF_ROLES)]
    patterns = pd.DataFrame(
        {
            "interactions_total": interactions.groupby("customer_id").size(),
            "interactions_per_30d": interactions.groupby("customer_id").size() / periods,
            "customer_messages_total": by_customer.size(),
            "customer_messages_per_30d": by_customer.size() / periods,
            "message_words_mean": by_customer["words"].mean(),
            "message_characters_mean": by_customer["characters"].mean(),
            "questions_per_message": by_customer["questions"].mean(),
            "formal_markers_per_100_words": 100 * by_customer["formal_markers"].sum() / words,
            "informal_markers_per_100_words": 100 * by_customer["informal_markers"].sum() / words,
            "technical_terms_per_100_words": 100 * by_customer["technical_terms"].sum() / words,
            "business_hours_share": timing["business_hours"].mean(),
            "weekend_share": timing["weekend"].mean(),
            "reply_hours_median": answers.groupby("customer_id")["hours_since_previous"].median(),
            "follow_up_share": customer_turns.assign(
                chased=customer_turns["previous_role"].eq("customer").astype(float)
            )
            .groupby("customer_id")["chased"]
            .mean(),
            "csm_message_share": staff.assign(csm=staff["author_role"].eq("csm").astype(float))
            .groupby("customer_id")["csm"]
            .mean(),
            "days_since_last_message": (history.reference - by_customer["sent_at"].max()).dt.days,
        }
    )
    formal = patterns["formal_markers_per_100_words"]
    informal = patterns["informal_markers_per_100_words"]
    patterns["formality_index"] = (formal - informal) / (formal + informal).replace(0, np.nan)
    types = tuple(kind.value for kind in InteractionType)
    return patterns.join(
        [
            _shares(interactions, "type", types, "type_share_"),
            _shares(interactions, "channel", CHANNELS, "channel_share_"),
            champion_activity(own, history.reference),
        ],
        how="outer",
    )


def champions(own: pd.DataFrame) -> pd.Series:
    """Per customer, the author id of the contact who wrote the most (latest breaks ties)."""
    counts = (
        own.dropna(subset=["author_id"])
        .groupby(["customer_id", "author_id"])
        .agg(messages=("message_id", "size"), last=("sent_at", "max"))
        .reset_index()
        .sort_values(["customer_id", "messages", "last"], ascending=[True, False, False])
    )
    champion: pd.Series = counts.drop_duplicates("customer_id").set_index("customer_id")[
        "author_id"
    ]
    return champion


def champion_activity(own: pd.DataFrame, reference: pd.Timestamp) -> pd.DataFrame:
    """The champion's share of the customer's messages and how long they have been quiet.

    ``champion_quiet_days`` is the champion's silence beyond the account's: a customer who wrote
    yesterday through someone else while the champion last wrote 80 days ago scores 80.
    """
    authored = own.dropna(subset=["author_id"])
    per_author = authored.groupby(["customer_id", "author_id"]).agg(
        messages=("message_id", "size"), last=("sent_at", "max")
    )
    champion = champions(own)
    keys = pd.MultiIndex.from_arrays([champion.index, champion.to_numpy()])
    theirs = per_author.reindex(keys).set_axis(champion.index)
    totals = per_author.groupby(level="customer_id")["messages"].sum()
    latest = per_author.groupby(level="customer_id")["last"].max()
    recent = per_author[per_author["last"] >= reference - pd.Timedelta(days=90)]
    return pd.DataFrame(
        {
            "champion_message_share": theirs["messages"] / totals,
            "champion_quiet_days": (latest - theirs["last"]).dt.total_seconds() / 86_400,
            "contacts_active_90d": recent.groupby(level="customer_id").size().reindex(totals.index),
        }
    ).fillna({"contacts_active_90d": 0.0})
