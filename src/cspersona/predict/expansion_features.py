"""What the expansion model knows about a customer at a moment, beyond the churn snapshot.

Buying more is anticipated by signals the churn features do not hold:

- **Seat saturation**: recent daily active users against the customer's own peak. The data model
  has no seat counts, so a customer using the product as much as it ever has is taken to press
  on its seats.
- **Time since the last expansion**: a customer that expanded recently has just bought what it
  needed. (How many times it expanded before is already a snapshot feature,
  ``lifecycle_expanded_count``.)
- The customer's **persona**, when it has one, as a category.

Every value is computed from data strictly before the moment, like the churn snapshots.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspersona.customers.models import UsageDaily
from cspersona.predict.training_set import TrainingSet

SATURATION_COLUMN = "seat_saturation"
SINCE_EXPANSION_COLUMN = "days_since_expansion"
PERSONA_COLUMN = "persona"


def usage_peaks(*, db_session: Session, as_of: datetime | None = None) -> pd.Series:
    """Each customer's highest daily active users before ``as_of``."""
    query = select(UsageDaily.customer_id, func.max(UsageDaily.active_users)).group_by(
        UsageDaily.customer_id
    )
    if as_of is not None:
        query = query.where(UsageDaily.day < as_of.date())
    rows = db_session.execute(query).all()
    return pd.Series(
        {customer_id: float(peak) for customer_id, peak in rows}, name="peak", dtype=np.float64
    )


def expansion_history(
    customer_ids: Sequence[int], expanded: dict[int, list[datetime]], as_of: datetime
) -> pd.DataFrame:
    """Days from each customer's last expansion before ``as_of`` to it (NaN: never expanded)."""
    since = []
    for customer_id in customer_ids:
        before = [moment for moment in expanded.get(int(customer_id), []) if moment < as_of]
        since.append((as_of - max(before)).days if before else np.nan)
    return pd.DataFrame(
        {SINCE_EXPANSION_COLUMN: np.asarray(since, dtype=float)}, index=pd.Index(customer_ids)
    )


def with_expansion_signals(
    frame: pd.DataFrame,
    peaks: pd.Series,
    history: pd.DataFrame,
    personas: dict[int, str] | None = None,
) -> pd.DataFrame:
    """The snapshot features (indexed by customer) plus the expansion signals."""
    recent = frame.get("usage_active_users_30d", pd.Series(np.nan, index=frame.index))
    peak = peaks.reindex(frame.index).replace(0, np.nan)
    extra: dict[str, Any] = {
        SATURATION_COLUMN: (recent / peak.to_numpy()).clip(0, 1),
        **{column: history[column].reindex(frame.index) for column in history.columns},
    }
    if personas:
        extra[PERSONA_COLUMN] = [personas.get(int(c), "(none)") for c in frame.index]
    # One concatenation: inserting columns one by one into a wide frame fragments it.
    return pd.concat([frame, pd.DataFrame(extra, index=frame.index)], axis=1)


def expansion_table(
    training: TrainingSet,
    expanded: dict[int, list[datetime]],
    *,
    db_session: Session,
    personas: dict[int, str] | None = None,
) -> pd.DataFrame:
    """Every snapshot's features plus the expansion signals as they were at its cutoff.

    Rows keep the training set's order (positional index), so labels line up.
    """
    parts = []
    for cutoff in sorted(set(training.cutoffs)):
        rows = np.flatnonzero([moment == cutoff for moment in training.cutoffs])
        customers = training.customer_ids[rows]
        frame = training.features.iloc[rows].set_axis(customers)
        signals = with_expansion_signals(
            frame,
            usage_peaks(db_session=db_session, as_of=cutoff),
            expansion_history(customers.tolist(), expanded, cutoff),
            personas,
        )
        parts.append(signals.set_axis(rows))
    return pd.concat(parts).sort_index()
