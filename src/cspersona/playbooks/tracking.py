"""A playbook's success criteria month by month, treated and held-back customers apart.

A month's value is read over the customers who were in the playbook when the month began: they
had entered before it, the month began inside their success window (the criterion's
``window_days`` from entry), and they had not churned. So each month has a fixed group to count,
a customer's partial month of entry never counts, and both arms are held to the same rule. As in
``playbooks.experiment``, a customer counts once, in the arm of their first entry.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from cspersona.customers.models import LifecycleEvent, LifecycleKind, NpsResponse, UsageDaily
from cspersona.playbooks.definition import SuccessCriterion
from cspersona.playbooks.models import Arm, Enrolment, Observation, Playbook

MAX_MONTHS = 24
DAYS_PER_MONTH = 365.25 / 12
EVENT_KINDS = {
    "churn_rate": LifecycleKind.CHURNED,
    "renewal_rate": LifecycleKind.RENEWED,
    "expansion_rate": LifecycleKind.EXPANDED,
}
RATE_METRICS = {*EVENT_KINDS, "risk_tier_high_share"}


@dataclass(frozen=True)
class ArmValue:
    """One arm's value for a month and how many customers it is over (None over nobody)."""

    value: float | None
    customers: int


@dataclass(frozen=True)
class MonthPoint:
    """A calendar month (its first day) with each arm's value."""

    month: date
    treated: ArmValue
    held_back: ArmValue


@dataclass(frozen=True)
class MetricSeries:
    """One success criterion tracked month by month; ``is_rate`` values are shares of 1.

    ``monthly_target`` is what a month's value is held to: for churn, renewal and expansion the
    target over the whole window scaled to one month (a 21% churn target over a year is about
    1.9% a month, assuming an even pace); for the other metrics, the target itself.
    """

    metric: str
    target: float
    window_days: int
    monthly_target: float
    is_rate: bool
    points: list[MonthPoint]


@dataclass(frozen=True)
class _Entry:
    arm: Arm
    entered_at: datetime


@dataclass(frozen=True)
class _Month:
    start: datetime
    end: datetime  # exclusive, or just after ``at`` for the month under way


def tracked(db_session: Session, *, playbook: Playbook, at: datetime) -> list[MetricSeries]:
    """``playbook``'s success criteria as monthly series up to ``at`` (the last 24 months)."""
    success = playbook.definition.success
    entries = _first_entries(db_session, playbook=playbook, at=at)
    if not entries:
        return [_series(criterion, []) for criterion in success]
    months = _months(min(entry.entered_at for entry in entries.values()), at)
    churned = _churn_dates(db_session, playbook=playbook, at=at)
    series = []
    for criterion in success:
        cohorts = [_cohort(entries, churned, month, criterion.window_days) for month in months]
        values = _values(db_session, playbook=playbook, criterion=criterion, months=months)
        points = [
            MonthPoint(
                month=month.start.date(),
                treated=_arm_value(criterion.metric, cohort, values[index], Arm.TREATED),
                held_back=_arm_value(criterion.metric, cohort, values[index], Arm.HELD_BACK),
            )
            for index, (month, cohort) in enumerate(zip(months, cohorts, strict=True))
        ]
        series.append(_series(criterion, points))
    return series


def _series(criterion: SuccessCriterion, points: list[MonthPoint]) -> MetricSeries:
    return MetricSeries(
        metric=criterion.metric,
        target=criterion.target,
        window_days=criterion.window_days,
        monthly_target=_monthly_target(criterion),
        is_rate=criterion.metric in RATE_METRICS,
        points=points,
    )


def _monthly_target(criterion: SuccessCriterion) -> float:
    """An event rate's target over its window as the same pace over one month."""
    if criterion.metric not in EVENT_KINDS or not 0 <= criterion.target < 1:
        return criterion.target
    return float(1 - (1 - criterion.target) ** (DAYS_PER_MONTH / criterion.window_days))


def _first_entries(db_session: Session, *, playbook: Playbook, at: datetime) -> dict[int, _Entry]:
    """Each customer's first entry up to ``at``: its arm and when."""
    rows = db_session.execute(
        select(Enrolment.customer_id, Enrolment.arm, Enrolment.entered_at)
        .where(Enrolment.playbook_id == playbook.id, Enrolment.entered_at <= at)
        .order_by(Enrolment.entered_at, Enrolment.id)
    )
    first: dict[int, _Entry] = {}
    for customer_id, arm, entered_at in rows:
        first.setdefault(customer_id, _Entry(arm=arm, entered_at=entered_at))
    return first


def _months(first: datetime, at: datetime) -> list[_Month]:
    """Calendar months from ``first``'s to ``at``'s, the newest ``MAX_MONTHS``."""
    starts = []
    year, month = first.year, first.month
    while (year, month) <= (at.year, at.month):
        starts.append(datetime(year, month, 1, tzinfo=UTC))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    # The loop stopped on the month after ``at``'s: the end of the month under way.
    after = datetime(year, month, 1, tzinfo=UTC)
    starts = starts[-MAX_MONTHS:]
    ends = [*starts[1:], min(after, at + timedelta(microseconds=1))]
    return [_Month(start=start, end=end) for start, end in zip(starts, ends, strict=True)]


def _entered(playbook: Playbook) -> Select[int]:
    """The customers who ever entered ``playbook``, as a subquery."""
    return select(Enrolment.customer_id).where(Enrolment.playbook_id == playbook.id)


def _churn_dates(db_session: Session, *, playbook: Playbook, at: datetime) -> dict[int, datetime]:
    """Each entered customer's first churn up to ``at``."""
    rows = db_session.execute(
        select(LifecycleEvent.customer_id, func.min(LifecycleEvent.at))
        .where(
            LifecycleEvent.kind == LifecycleKind.CHURNED,
            LifecycleEvent.customer_id.in_(_entered(playbook)),
            LifecycleEvent.at <= at,
        )
        .group_by(LifecycleEvent.customer_id)
    )
    return {int(customer_id): moment for customer_id, moment in rows}


def _cohort(
    entries: dict[int, _Entry], churned: dict[int, datetime], month: _Month, window_days: int
) -> dict[int, Arm]:
    """The customers in the playbook as ``month`` began, with their arms."""
    window = timedelta(days=window_days)
    return {
        customer_id: entry.arm
        for customer_id, entry in entries.items()
        if entry.entered_at <= month.start < entry.entered_at + window
        and not (customer_id in churned and churned[customer_id] < month.start)
    }


# Per month: what each customer measured (an event or a high tier as 1.0, NPS answers, mean users).
MonthValues = dict[int, list[float]]


def _values(
    db_session: Session,
    *,
    playbook: Playbook,
    criterion: SuccessCriterion,
    months: list[_Month],
) -> list[MonthValues]:
    """The metric per month and customer, for every customer who entered (cohorts pick later)."""
    metric = criterion.metric
    if metric in EVENT_KINDS:
        return _event_values(db_session, playbook, EVENT_KINDS[metric], months)
    if metric == "risk_tier_high_share":
        return _tier_values(db_session, playbook, months)
    if metric == "nps":
        return _nps_values(db_session, playbook, months)
    return _usage_values(db_session, playbook, months)


def _month_index(months: list[_Month], moment: datetime) -> int | None:
    for index, month in enumerate(months):
        if month.start <= moment < month.end:
            return index
    return None


def _event_values(
    db_session: Session, playbook: Playbook, kind: LifecycleKind, months: list[_Month]
) -> list[MonthValues]:
    """1.0 for each customer with a ``kind`` event in the month (absent customers had none)."""
    values: list[MonthValues] = [{} for _ in months]
    rows = db_session.execute(
        select(LifecycleEvent.customer_id, LifecycleEvent.at).where(
            LifecycleEvent.kind == kind,
            LifecycleEvent.customer_id.in_(_entered(playbook)),
            LifecycleEvent.at >= months[0].start,
            LifecycleEvent.at < months[-1].end,
        )
    )
    for customer_id, moment in rows:
        index = _month_index(months, moment)
        if index is not None:
            values[index][customer_id] = [1.0]
    return values


def _tier_values(
    db_session: Session, playbook: Playbook, months: list[_Month]
) -> list[MonthValues]:
    """1.0 where the customer's last observed tier by the month's end was high, else 0.0."""
    rows = db_session.execute(
        select(Observation.customer_id, Observation.value, Observation.observed_at)
        .where(
            Observation.key == "risk_tier",
            Observation.customer_id.in_(_entered(playbook)),
            Observation.observed_at < months[-1].end,
        )
        .order_by(Observation.observed_at, Observation.id)
    )
    values: list[MonthValues] = [{} for _ in months]
    for customer_id, value, observed_at in rows:
        # In time order: a later change overwrites the months from its own onwards.
        for index in range(_month_index(months, observed_at) or 0, len(months)):
            values[index][customer_id] = [float(value == "high")]
    return values


def _nps_values(db_session: Session, playbook: Playbook, months: list[_Month]) -> list[MonthValues]:
    """Each customer's NPS answers in the month."""
    values: list[MonthValues] = [{} for _ in months]
    rows = db_session.execute(
        select(NpsResponse.customer_id, NpsResponse.score, NpsResponse.answered_at).where(
            NpsResponse.customer_id.in_(_entered(playbook)),
            NpsResponse.answered_at >= months[0].start,
            NpsResponse.answered_at < months[-1].end,
        )
    )
    for customer_id, score, answered_at in rows:
        index = _month_index(months, answered_at)
        if index is not None:
            values[index].setdefault(customer_id, []).append(float(score))
    return values


def _usage_values(
    db_session: Session, playbook: Playbook, months: list[_Month]
) -> list[MonthValues]:
    """Each customer's mean daily active users in the month, from one grouped query."""
    bucket = case(
        *(
            ((UsageDaily.day >= month.start.date()) & (UsageDaily.day < _day_after(month)), index)
            for index, month in enumerate(months)
        ),
        else_=-1,
    )
    rows = db_session.execute(
        select(UsageDaily.customer_id, bucket, func.avg(UsageDaily.active_users))
        .where(
            UsageDaily.customer_id.in_(_entered(playbook)),
            UsageDaily.day >= months[0].start.date(),
        )
        .group_by(UsageDaily.customer_id, bucket)
    )
    values: list[MonthValues] = [{} for _ in months]
    for customer_id, index, mean in rows:
        if index >= 0:
            values[index][customer_id] = [float(mean)]
    return values


def _day_after(month: _Month) -> date:
    """The first day not in ``month``: its end, or the day after ``at`` for the month under way."""
    end = month.end
    return end.date() if end.time() == time.min else end.date() + timedelta(days=1)


def _arm_value(metric: str, cohort: dict[int, Arm], values: MonthValues, arm: Arm) -> ArmValue:
    """The arm's value over its cohort: the share with the event, or the mean of what was measured.

    NPS is the mean over answers; a tier share and active users count each customer once.
    """
    members = [customer_id for customer_id, member_arm in cohort.items() if member_arm is arm]
    if metric in EVENT_KINDS:
        if not members:
            return ArmValue(value=None, customers=0)
        happened = sum(customer_id in values for customer_id in members)
        return ArmValue(value=happened / len(members), customers=len(members))
    measured = [customer_id for customer_id in members if customer_id in values]
    numbers = [number for customer_id in measured for number in values[customer_id]]
    if not numbers:
        return ArmValue(value=None, customers=0)
    return ArmValue(value=sum(numbers) / len(numbers), customers=len(measured))
