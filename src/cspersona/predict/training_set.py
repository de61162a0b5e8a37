"""Point-in-time training sets: what we knew about each customer at a cutoff, and what followed.

Every cutoff (every 30 days over the observed window) yields one row per customer alive at it:
features computed only from data strictly before the cutoff (the analytics history, read once and
cut at each cutoff in memory), and the customer's outcome after it: days until churn, or days
until the data ends. A customer whose data ends before ``cutoff + horizon`` without a churn is
*censored* for that horizon: we do not know yet whether it stays, so it is left out of that
horizon's labels rather than labelled "stayed". The discrete-time survival model learns from the
same rows, censoring included.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspersona.analytics.features import feature_matrix
from cspersona.analytics.history import History, read_records
from cspersona.conversations.models import Interaction, Message
from cspersona.customers.models import (
    Customer,
    LifecycleEvent,
    LifecycleKind,
    NpsResponse,
    UsageDaily,
)
from cspersona.exceptions import BadInput

HORIZONS_DAYS = (30, 60, 90)
CUTOFF_STEP_DAYS = 30
# A cutoff needs this much history before it for trends over 90 days to mean anything.
MIN_HISTORY_DAYS = 90
CENSORED = -1  # a label we cannot know yet: the data ends before the horizon does
# Customer fields hold the customer as it is now, not as it was at a past cutoff: ARR includes
# later expansions, and the stored renewal date is the one after the data ends (for a churned
# customer, the one after its churn: alone it "predicted" 90-day churn with ROC-AUC 0.88).
# ARR is left out of snapshots; the renewal is recomputed as the contract anniversary after the
# cutoff, which is what the stored date means for a customer scored today.
END_STATE_COLUMNS = ("arr",)
RENEWAL_COLUMN = "days_to_renewal"

FeatureFunction = Callable[[History], pd.DataFrame]
"""Customer features, one row per customer, from what a history knows (``feature_matrix``)."""


@dataclass(frozen=True)
class Lifelines:
    """When each customer started and churned, and when the observed data starts and ends.

    A contract may start long before the data does (an export of the last 18 months): cutoffs
    follow the data, customers' starts only decide who was a customer at a cutoff.
    """

    started_at: dict[int, datetime]
    churned_at: dict[int, datetime]
    data_start: datetime
    data_end: datetime


@dataclass(frozen=True)
class TrainingSet:
    """One row per (customer, cutoff): features then, and the time to churn or censoring after.

    ``observed_days`` counts from the cutoff to the churn (``churned`` 1) or to the end of the data
    (``churned`` 0), capped at ``max_days``: a churn later than that counts as "still a customer at
    ``max_days``", which is all the horizons need.
    """

    features: pd.DataFrame
    customer_ids: np.ndarray
    cutoffs: list[datetime]
    observed_days: np.ndarray
    churned: np.ndarray
    max_days: int

    @property
    def target(self) -> np.ndarray:
        """What :class:`~cspersona.predict.survival.DiscreteTimeChurnModel` takes as ``y``."""
        return np.column_stack([self.observed_days, self.churned])

    def labels(self, horizon_days: int) -> np.ndarray:
        """1 churned within the horizon, 0 still a customer after it, CENSORED when unknown."""
        if horizon_days > self.max_days:
            raise BadInput(f"labels stop at {self.max_days} days; asked for {horizon_days}")
        churned_in_time = (self.churned == 1) & (self.observed_days <= horizon_days)
        stayed = self.observed_days >= horizon_days
        labels = np.full(len(self.churned), CENSORED)
        labels[stayed & ~churned_in_time] = 0
        labels[churned_in_time] = 1
        return labels

    def subset(self, rows: np.ndarray) -> "TrainingSet":
        """The rows at these positions, e.g. the customers of one fold."""
        return TrainingSet(
            features=self.features.iloc[rows],
            customer_ids=self.customer_ids[rows],
            cutoffs=[self.cutoffs[row] for row in rows],
            observed_days=self.observed_days[rows],
            churned=self.churned[rows],
            max_days=self.max_days,
        )


def _as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def lifelines(*, db_session: Session) -> Lifelines:
    """Each customer's start (contract start or first data), first churn, and the data's end."""
    churned_at = {
        customer_id: _as_utc(at)
        for customer_id, at in db_session.execute(
            select(LifecycleEvent.customer_id, func.min(LifecycleEvent.at))
            .where(LifecycleEvent.kind == LifecycleKind.CHURNED)
            .group_by(LifecycleEvent.customer_id)
        )
    }
    first_usage = dict(
        db_session.execute(
            select(UsageDaily.customer_id, func.min(UsageDaily.day)).group_by(
                UsageDaily.customer_id
            )
        ).all()
    )
    first_contact = dict(
        db_session.execute(
            select(Interaction.customer_id, func.min(Interaction.started_at)).group_by(
                Interaction.customer_id
            )
        ).all()
    )
    started_at: dict[int, datetime] = {}
    for customer_id, contract_start in db_session.execute(
        select(Customer.id, Customer.contract_start)
    ):
        candidates = [
            _midnight(day) for day in (contract_start, first_usage.get(customer_id)) if day
        ]
        if customer_id in first_contact:
            candidates.append(_as_utc(first_contact[customer_id]))
        if candidates:
            started_at[customer_id] = min(candidates)
    observed = [_midnight(day) for day in first_usage.values()] + [
        _as_utc(moment) for moment in first_contact.values()
    ]
    ends = [
        db_session.scalar(select(func.max(UsageDaily.day))),
        db_session.scalar(select(func.max(Message.sent_at))),
        db_session.scalar(select(func.max(Interaction.started_at))),
        db_session.scalar(select(func.max(NpsResponse.answered_at))),
        db_session.scalar(select(func.max(LifecycleEvent.at))),
    ]
    moments = [
        _as_utc(end) if isinstance(end, datetime) else _midnight(end) + timedelta(days=1)
        for end in ends
        if end is not None
    ]
    if not moments or not observed:
        raise BadInput("the database holds no customer data yet: nothing to learn churn from")
    return Lifelines(
        started_at=started_at,
        churned_at=churned_at,
        data_start=min(observed),
        data_end=max(moments),
    )


def days_to_anniversary(contract_start: date | None, moment: datetime) -> float:
    """Days from ``moment`` to the next anniversary of an annual contract (NaN if unknown)."""
    if contract_start is None:
        return float("nan")
    day = moment.date()
    years = max(0, day.year - contract_start.year)
    while True:
        try:
            anniversary = contract_start.replace(year=contract_start.year + years)
        except ValueError:  # 29 February in a common year
            anniversary = date(contract_start.year + years, 3, 1)
        if anniversary > day:
            return float((anniversary - day).days)
        years += 1


def as_at_cutoff(
    frame: pd.DataFrame, cutoff: datetime, contract_starts: dict[int, date | None]
) -> pd.DataFrame:
    """Features as they were at ``cutoff``: end-state customer fields dropped or recomputed."""
    frame = frame.drop(columns=[c for c in END_STATE_COLUMNS if c in frame.columns])
    if RENEWAL_COLUMN in frame.columns:
        frame = frame.assign(
            **{
                RENEWAL_COLUMN: [
                    days_to_anniversary(contract_starts.get(int(c)), cutoff) for c in frame.index
                ]
            }
        )
    return frame


def cutoff_dates(
    lives: Lifelines, *, step_days: int = CUTOFF_STEP_DAYS, min_history_days: int = MIN_HISTORY_DAYS
) -> list[datetime]:
    """Cutoffs every ``step_days`` from ``min_history_days`` after the data starts to its end.

    The last cutoff leaves at least one step of data after it, so each cutoff can teach something.
    """
    first = _midnight((lives.data_start + timedelta(days=min_history_days)).date())
    last = lives.data_end - timedelta(days=step_days)
    cutoffs = []
    cutoff = first
    while cutoff <= last:
        cutoffs.append(cutoff)
        cutoff += timedelta(days=step_days)
    return cutoffs


def alive_at(lives: Lifelines, cutoff: datetime) -> list[int]:
    """Customers started before ``cutoff`` and not churned by it."""
    return sorted(
        customer_id
        for customer_id, started in lives.started_at.items()
        if started < cutoff
        and (customer_id not in lives.churned_at or lives.churned_at[customer_id] > cutoff)
    )


def outcome_after(
    lives: Lifelines, customer_id: int, cutoff: datetime, max_days: int
) -> tuple[float, int]:
    """Days from ``cutoff`` to churn (flag 1) or to the data's end (flag 0), capped at max_days."""
    churned = lives.churned_at.get(customer_id)
    if churned is not None:
        days = (churned - cutoff).total_seconds() / 86_400
        if days <= max_days:
            return days, 1
    until_end = (lives.data_end - cutoff).total_seconds() / 86_400
    return min(float(max_days), until_end), 0


def build_training_set(
    *,
    db_session: Session,
    features: FeatureFunction = feature_matrix,
    horizons_days: Sequence[int] = HORIZONS_DAYS,
    step_days: int = CUTOFF_STEP_DAYS,
    min_history_days: int = MIN_HISTORY_DAYS,
    customer_ids: Sequence[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> TrainingSet:
    """Snapshots of every customer alive at every cutoff, with their outcomes after it.

    Every table is read once; ``features`` is called once per cutoff on the history cut there
    (``Records.before``). Customers it has no row for (no data before the cutoff) are skipped.
    ``customer_ids`` restricts the set (held-out tests).
    """
    lives = lifelines(db_session=db_session)
    contract_starts = dict(db_session.execute(select(Customer.id, Customer.contract_start)).all())
    max_days = max(horizons_days)
    cutoffs = cutoff_dates(lives, step_days=step_days, min_history_days=min_history_days)
    records = read_records(db_session=db_session)
    wanted = None if customer_ids is None else set(customer_ids)
    frames, ids, moments, observed, churned = [], [], [], [], []
    for done, cutoff in enumerate(cutoffs, start=1):
        alive = [c for c in alive_at(lives, cutoff) if wanted is None or c in wanted]
        frame = features(records.before(cutoff))
        present = [c for c in alive if c in frame.index]
        if present:
            frames.append(as_at_cutoff(frame.loc[present], cutoff, contract_starts))
            for customer_id in present:
                days, flag = outcome_after(lives, customer_id, cutoff, max_days)
                ids.append(customer_id)
                moments.append(cutoff)
                observed.append(days)
                churned.append(flag)
        if progress is not None:
            progress(done, len(cutoffs))
    if not frames:
        raise BadInput(
            "no customer was alive with enough history at any cutoff: the data covers "
            f"less than {min_history_days + step_days} days"
        )
    table = pd.concat(frames).reset_index(drop=True)
    return TrainingSet(
        features=table.astype(np.float64),
        customer_ids=np.asarray(ids, dtype=np.int64),
        cutoffs=moments,
        observed_days=np.asarray(observed, dtype=np.float64),
        churned=np.asarray(churned, dtype=np.int64),
        max_days=max_days,
    )
