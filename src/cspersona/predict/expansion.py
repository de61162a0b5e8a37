"""Expansion: who is likely to buy more within 90 days, what they adopt next, and when to ask.

- **Likelihood** is a calibrated classifier on the same point-in-time snapshots as churn (the
  analytics features at each cutoff: usage level and trends, feature breadth, NPS, tickets), plus
  the expansion signals of :mod:`cspersona.predict.expansion_features` (seat saturation,
  expansion history, persona), labelled "expanded within 90 days after the cutoff" from the
  lifecycle events; snapshots whose data ends before the 90 days without an expansion are left
  out (censored).
- **Next feature**: for each feature a customer has not used yet, the similarity-weighted share of
  its nearest customers (cosine over which features they use) that use it: customers like this
  one adopted it, so it is a likely next step.
- **Timing**: not during an open high-priority ticket; now after a promoter NPS answer or at a
  usage peak; otherwise wait for one of those moments.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspersona.conversations.models import Interaction, InteractionType
from cspersona.customers.models import LifecycleEvent, LifecycleKind, UsageDaily
from cspersona.predict.classifier import ChurnClassifier
from cspersona.predict.expansion_features import SATURATION_COLUMN
from cspersona.predict.training_set import CENSORED, TrainingSet

EXPANSION_KIND = "expansion"
HORIZON_DAYS = 90
PEAK_SHARE = 0.9  # recent usage at this share of the peak counts as "at its peak"
PROMOTER_SCORE = 9
RECENT_NPS_DAYS = 60
NEIGHBOURS = 15
SEVERE_PRIORITIES = ("high", "urgent")


def expansion_dates(*, db_session: Session) -> dict[int, list[datetime]]:
    """Every customer's expansion events, in time order."""
    dates: dict[int, list[datetime]] = {}
    for customer_id, at in db_session.execute(
        select(LifecycleEvent.customer_id, LifecycleEvent.at)
        .where(LifecycleEvent.kind == LifecycleKind.EXPANDED)
        .order_by(LifecycleEvent.at)
    ):
        dates.setdefault(customer_id, []).append(at)
    return dates


def expansion_labels(
    training: TrainingSet,
    expanded: dict[int, list[datetime]],
    data_end: datetime,
    horizon_days: int = HORIZON_DAYS,
) -> np.ndarray:
    """1 expanded within the horizon after the cutoff, 0 did not, CENSORED when unknown.

    A customer that churned within the horizon without expanding is known not to have expanded.
    """
    horizon = timedelta(days=horizon_days)
    labels = np.full(len(training.customer_ids), CENSORED)
    for row, (customer_id, cutoff) in enumerate(
        zip(training.customer_ids, training.cutoffs, strict=True)
    ):
        moments = expanded.get(int(customer_id), [])
        if any(cutoff <= moment < cutoff + horizon for moment in moments):
            labels[row] = 1
        elif cutoff + horizon <= data_end or training.churned[row] == 1:
            labels[row] = 0
    return labels


def fit_expansion_model(
    frame: pd.DataFrame, labels: np.ndarray, customer_ids: np.ndarray
) -> ChurnClassifier:
    """A calibrated classifier of "expands within 90 days" on the known snapshots.

    The churn classifier is a calibrated binary classifier with contributions; only its name is
    about churn. A customer's snapshots share one cross-fitting fold.
    """
    known = labels != CENSORED
    model = ChurnClassifier(uncertainty="none")
    model.fit(frame[known], labels[known], groups=customer_ids[known])
    return model


def adoption_matrix(
    *, db_session: Session, days: int = 90, as_of: datetime | None = None
) -> pd.DataFrame:
    """Which features each customer used in the ``days`` before ``as_of`` (True/False)."""
    end = as_of.date() if as_of is not None else db_session.scalar(select(func.max(UsageDaily.day)))
    if end is None:
        return pd.DataFrame()
    query = select(UsageDaily.customer_id, UsageDaily.feature_adoption).where(
        UsageDaily.day >= end - timedelta(days=days)
    )
    if as_of is not None:
        query = query.where(UsageDaily.day < end)
    used: dict[int, set[str]] = {}
    for customer_id, adoption in db_session.execute(query):
        used.setdefault(customer_id, set()).update(
            feature for feature, count in (adoption or {}).items() if count
        )
    features = sorted(set().union(*used.values())) if used else []
    return pd.DataFrame(
        {feature: [feature in used[c] for c in sorted(used)] for feature in features},
        index=pd.Index(sorted(used), name="customer_id"),
        dtype=bool,
    )


def next_feature_scores(adopted: pd.DataFrame, neighbours: int = NEIGHBOURS) -> pd.DataFrame:
    """For each customer and feature it does not use, how strongly similar customers use it.

    Similarity is the cosine between customers' feature-use vectors; a score is the
    similarity-weighted share of the ``neighbours`` most similar customers using the feature.
    Features the customer already uses score NaN.
    """
    matrix = adopted.to_numpy(dtype=np.float64)
    norms = np.linalg.norm(matrix, axis=1)
    norms[norms == 0] = 1.0
    unit = matrix / norms[:, None]
    similarity = unit @ unit.T
    np.fill_diagonal(similarity, -np.inf)
    count = min(neighbours, max(len(matrix) - 1, 1))
    nearest = np.argsort(-similarity, axis=1)[:, :count]
    weights = np.clip(np.take_along_axis(similarity, nearest, axis=1), 0, None)
    totals = weights.sum(axis=1, keepdims=True)
    totals[totals == 0] = 1.0
    scores = np.einsum("ck,ckf->cf", weights, matrix[nearest]) / totals
    scores[matrix > 0] = np.nan
    return pd.DataFrame(scores, index=adopted.index, columns=adopted.columns)


def top_next_features(scores: pd.DataFrame, customer_id: int, top: int = 3) -> list[dict[str, Any]]:
    """A customer's likeliest next features with their scores (none when it uses them all)."""
    if customer_id not in scores.index:
        return []
    row = pd.Series(scores.loc[customer_id]).dropna().sort_values(ascending=False, kind="stable")
    return [
        {"feature": str(feature), "score": round(float(score), 3)}
        for feature, score in row.head(top).items()
        if score > 0
    ]


def open_severe_tickets(*, db_session: Session, customer_ids: Sequence[int]) -> dict[int, int]:
    """Open high-priority or urgent tickets per customer: no moment for an upsell."""
    rows = db_session.execute(
        select(Interaction.customer_id, func.count())
        .where(
            Interaction.customer_id.in_(customer_ids),
            Interaction.type == InteractionType.TICKET,
            Interaction.closed_at.is_(None),
            Interaction.priority.in_(SEVERE_PRIORITIES),
        )
        .group_by(Interaction.customer_id)
    )
    return {int(customer_id): int(count) for customer_id, count in rows.all()}


def timing_advice(features: pd.Series, open_severe: int) -> dict[str, str]:
    """When to bring up an expansion with this customer, and why."""
    if open_severe:
        tickets = (
            "1 high-priority ticket" if open_severe == 1 else f"{open_severe} high-priority tickets"
        )
        return {
            "when": "wait",
            "reason": f"{tickets} open: resolve {'it' if open_severe == 1 else 'them'} first",
        }
    nps_last, nps_age = features.get("nps_last"), features.get("days_since_nps")
    if (
        nps_last is not None
        and nps_age is not None
        and nps_last >= PROMOTER_SCORE
        and nps_age <= RECENT_NPS_DAYS
    ):
        return {
            "when": "now",
            "reason": f"promoter NPS answer ({nps_last:.0f}) {nps_age:.0f} days ago",
        }
    saturation = features.get(SATURATION_COLUMN)
    if saturation is not None and saturation >= PEAK_SHARE:
        return {
            "when": "now",
            "reason": f"usage at its peak ({saturation:.0%} of its highest active users)",
        }
    return {
        "when": "wait",
        "reason": "wait for a positive moment: a promoter NPS answer or a usage peak",
    }
