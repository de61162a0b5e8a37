"""Product usage per customer: level, 30/60/90-day trends, feature mix and adoption curves."""

import numpy as np
import pandas as pd

from cspersona.analytics.history import History

TREND_WINDOWS = (30, 60, 90)


def window_mean(
    usage: pd.DataFrame, column: str, start: pd.Timestamp, end: pd.Timestamp
) -> pd.Series:
    """Per customer, ``column`` per day over ``[start, end)``; a day without a row counts as 0.

    The window starts no earlier than the customer's first usage day, so a new customer is not
    diluted by days before it existed; customers with no day of the window at all get NaN.
    """
    first_day = usage.groupby("customer_id")["day"].min()
    covered_from = first_day.where(first_day > start, start)
    days = (end - covered_from).dt.total_seconds() / 86_400
    days = days.where(days > 0)
    inside = usage[(usage["day"] >= start) & (usage["day"] < end)]
    totals = inside.groupby("customer_id")[column].sum().reindex(first_day.index, fill_value=0.0)
    means: pd.Series = totals / days
    return means


def usage_trend(usage: pd.DataFrame, reference: pd.Timestamp, days: int) -> pd.Series:
    """log((events/day over the last ``days`` + 1) / (events/day over the ``days`` before + 1))."""
    span = pd.Timedelta(days=days)
    recent = window_mean(usage, "events", reference - span, reference)
    earlier = window_mean(usage, "events", reference - 2 * span, reference - span)
    trend: pd.Series = np.log1p(recent) - np.log1p(earlier)
    return trend


def adoption_days(history: History) -> pd.DataFrame:
    """Per customer and feature, days from the first usage day to the first day it was used."""
    adoption = history.adoption
    features = [column for column in adoption.columns if column not in ("customer_id", "day")]
    first_day = adoption.groupby("customer_id")["day"].min()
    used = adoption[features].gt(0)
    columns = {
        feature: adoption["day"].where(used[feature]).groupby(adoption["customer_id"]).min()
        for feature in features
    }
    return pd.DataFrame(
        {feature: (day - first_day).dt.days.astype(float) for feature, day in columns.items()}
    )


def usage_patterns(history: History) -> pd.DataFrame:
    """Usage level, trends, growth since the start, feature breadth, mix and time to adopt."""
    usage = history.usage
    reference = history.reference
    month_ago = reference - pd.Timedelta(days=30)
    first_day = usage.groupby("customer_id")["day"].min()
    start_window = usage[usage["day"] < usage["customer_id"].map(first_day) + pd.Timedelta(days=90)]
    recent_window = usage[usage["day"] >= reference - pd.Timedelta(days=90)]
    frame = pd.DataFrame(
        {
            "usage_events_per_day_30d": window_mean(usage, "events", month_ago, reference),
            "usage_active_users_30d": window_mean(usage, "active_users", month_ago, reference),
            "usage_logins_per_day_30d": window_mean(usage, "logins", month_ago, reference),
            "usage_growth_since_start": np.log1p(
                recent_window.groupby("customer_id")["events"].mean()
            )
            - np.log1p(start_window.groupby("customer_id")["events"].mean()),
        }
    )
    for days in TREND_WINDOWS:
        frame[f"usage_trend_{days}d"] = usage_trend(usage, reference, days)
    adoption = history.adoption
    features = [column for column in adoption.columns if column not in ("customer_id", "day")]
    if features:
        totals = adoption.groupby("customer_id")[features].sum()
        mix = totals.div(totals.sum(axis=1).replace(0, np.nan), axis=0)
        recent = adoption[adoption["day"] >= month_ago].groupby("customer_id")[features].sum()
        frame["feature_breadth_30d"] = recent.gt(0).mean(axis=1)
        frame = frame.join(
            [mix.add_prefix("feature_share_"), adoption_days(history).add_prefix("adoption_days_")],
            how="outer",
        )
    return frame
