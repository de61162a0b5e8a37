"""The customer feature matrix: one row per customer, numbers only, from data before ``as_of``.

Personas cluster it and churn models learn from it; docs/analytics.md explains every column.
"""

from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from cspersona.analytics.history import EMOTIONS, History, load_history
from cspersona.analytics.patterns import communication_patterns
from cspersona.analytics.support import conversation_outcomes, ticket_patterns
from cspersona.analytics.usage_trends import usage_patterns

SENTIMENT_RECENT_DAYS = 60
SENTIMENT_BASELINE_DAYS = 180


def sentiment_aggregates(history: History) -> pd.DataFrame:
    """NLP verdicts on the customer's own messages: sentiment level and trend, emotions, topics."""
    messages = history.messages
    own = messages[messages["author_role"] == "customer"][["message_id", "customer_id", "sent_at"]]
    analysed = own.join(history.analysis, on="message_id", how="inner")
    if analysed.empty:
        return pd.DataFrame(index=pd.Index([], name="customer_id"))
    recent_start = history.reference - pd.Timedelta(days=SENTIMENT_RECENT_DAYS)
    baseline_start = history.reference - pd.Timedelta(days=SENTIMENT_BASELINE_DAYS)
    recent = analysed[analysed["sent_at"] >= recent_start]
    baseline = analysed[
        (analysed["sent_at"] < recent_start) & (analysed["sent_at"] >= baseline_start)
    ]
    negative = analysed.assign(negative=(analysed["sentiment_score"] < -0.2).astype(float))
    by_customer = analysed.groupby("customer_id")
    frame = pd.DataFrame(
        {
            "sentiment_mean": by_customer["sentiment_score"].mean(),
            "sentiment_recent_mean": recent.groupby("customer_id")["sentiment_score"].mean(),
            "sentiment_trend": recent.groupby("customer_id")["sentiment_score"].mean()
            - baseline.groupby("customer_id")["sentiment_score"].mean(),
            "negative_share": negative.groupby("customer_id")["negative"].mean(),
            "negative_share_recent": negative[negative["sent_at"] >= recent_start]
            .groupby("customer_id")["negative"]
            .mean(),
            "sophistication_mean": by_customer["sophistication"].mean(),
        }
    )
    for emotion in EMOTIONS:
        frame[f"emotion_{emotion}_mean"] = by_customer[f"emotion_{emotion}"].mean()
    topical = analysed.dropna(subset=["topic"])
    if not topical.empty:
        mix = pd.crosstab(topical["customer_id"], topical["topic"].astype(int), normalize="index")
        mix.columns = [f"topic_share_{number}" for number in mix.columns]
        frame = frame.join(mix, how="left")
    return frame


def nps_aggregates(history: History) -> pd.DataFrame:
    """Last and mean NPS, and the drop of the last answer below the customer's earlier mean."""
    nps = history.nps
    by_customer = nps.groupby("customer_id")
    last = by_customer["score"].last()
    earlier = nps[nps.duplicated("customer_id", keep="last")].groupby("customer_id")["score"].mean()
    return pd.DataFrame(
        {
            "nps_last": last,
            "nps_mean": by_customer["score"].mean(),
            "nps_responses": by_customer.size(),
            "nps_drop": earlier - last.reindex(earlier.index),
            "days_since_nps": (history.reference - by_customer["answered_at"].max()).dt.days,
        }
    )


def account_facts(history: History) -> pd.DataFrame:
    """Contract size and age, time to renewal, and the contract events so far."""
    customers = history.customers
    lifecycle = history.lifecycle
    renewal = customers["renewal_date"]
    counts = pd.crosstab(lifecycle["customer_id"], lifecycle["kind"]).reindex(
        columns=["renewed", "expanded", "contracted", "downgraded"], fill_value=0
    )
    return pd.DataFrame(
        {
            "arr": customers["arr"].astype(float),
            "tenure_days": (history.reference - customers["contract_start"]).dt.days,
            "days_to_renewal": (renewal - history.reference).dt.days.where(
                renewal >= history.reference
            ),
        }
    ).join(counts.add_prefix("lifecycle_").add_suffix("_count"), how="left")


def customers_with_data(history: History) -> pd.Index:
    """Ids of customers with any conversation, NPS answer, usage day or contract event so far."""
    ids = pd.concat(
        [
            history.interactions["customer_id"],
            history.nps["customer_id"],
            history.usage["customer_id"],
            history.lifecycle["customer_id"],
        ]
    )
    index: pd.Index = pd.Index(sorted(ids.unique()), name="customer_id", dtype=int)
    return index


def feature_matrix(history: History) -> pd.DataFrame:
    """Every feature block joined on the customers that have data, as float columns."""
    index = customers_with_data(history)
    if index.empty:
        return pd.DataFrame(index=index, dtype=float)
    blocks: list[pd.DataFrame | pd.Series] = [
        communication_patterns(history),
        sentiment_aggregates(history),
        usage_patterns(history),
        nps_aggregates(history),
        ticket_patterns(history),
        conversation_outcomes(history),
        account_facts(history),
    ]
    matrix = pd.DataFrame(index=index).join(blocks, how="left")
    counts = [column for column in matrix.columns if column.endswith(("_total", "_count", "_90d"))]
    matrix[counts] = matrix[counts].fillna(0.0)
    matrix = matrix.astype(float).replace([np.inf, -np.inf], np.nan)
    matrix.index = matrix.index.astype(int)
    matrix.index.name = "customer_id"
    return matrix


def customer_features(*, db_session: Session, as_of: datetime | None = None) -> pd.DataFrame:
    """The feature matrix of every customer with data before ``as_of`` (None: all data)."""
    return feature_matrix(load_history(db_session=db_session, as_of=as_of))
