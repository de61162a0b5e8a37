"""Does a playbook work? Its treated and held-back customers compared, and what to test next.

Each customer who enters a playbook is treated or held back by a stable draw
(``assignment.assign_arm``). A customer counts once, in the arm of their first entry, and only
when their success window has closed (or they churned within it): a customer still inside the
window has not had the chance to churn yet and would flatter either arm.

Sample sizes and the smallest readable effect come from ``playbooks.power``.
"""

import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspersona.customers.models import Customer, LifecycleEvent, LifecycleKind
from cspersona.playbooks.models import Arm, Enrolment, Playbook, PlaybookStatus, Task, TaskStatus
from cspersona.playbooks.power import (
    ALPHA,
    minimum_detectable_reduction,
    needed_per_arm,
    two_sided_p_value,
)
from cspersona.playbooks.wording import day_words

DEFAULT_RELATIVE_REDUCTION = 0.20
DEFAULT_WINDOW_DAYS = 90
# Fewer held-back customers than this give a churn rate too noisy to plan with: use the book's.
MIN_HELD_BACK_FOR_BASELINE = 30
# A step's skips or lateness are worth a recommendation only over this many closed tasks.
MIN_CLOSED_TASKS = 5
SKIP_SHARE_WORTH_TESTING = 0.3
# A playbook's pace (customers a year) is guessed only once it has taken customers this long.
MIN_DAYS_FOR_PACE = 30
LATE_SHARE_WORTH_TESTING = 0.4


@dataclass(frozen=True)
class ArmResult:
    """One arm: customers who entered, how many were followed up to the window's end, churned."""

    arm: Arm
    customers: int
    followed_up: int
    churned: int

    @property
    def churn_rate(self) -> float | None:
        """Churned among followed-up customers; None before anyone is followed up."""
        return self.churned / self.followed_up if self.followed_up else None


@dataclass(frozen=True)
class PowerResult:
    """How big an effect the arms can read now, and how many customers a chosen effect needs."""

    baseline_churn_rate: float | None
    baseline_source: str
    minimum_detectable_reduction: float | None
    relative_reduction: float
    target_churn_rate: float | None
    needed_per_arm: int | None
    needed_entries: int | None
    entries_last_year: int
    entries_per_year: float | None
    years_to_read: float | None


@dataclass(frozen=True)
class Recommendation:
    """A variant worth testing next, in words, with the numbers behind it."""

    kind: str
    text: str


@dataclass(frozen=True)
class Experiment:
    """A playbook's experiment: both arms, their difference, power and what to test next."""

    playbook_id: int
    playbook_name: str
    control_share: float
    window_days: int
    treated: ArmResult
    held_back: ArmResult
    difference: float | None
    p_value: float | None
    power: PowerResult
    recommendations: list[Recommendation]


def window_days(playbook: Playbook) -> int:
    """The success window churn is read over: the churn criterion's, else the first one's."""
    success = playbook.definition.success
    churn = [criterion for criterion in success if criterion.metric == "churn_rate"]
    chosen = churn or success
    return chosen[0].window_days if chosen else DEFAULT_WINDOW_DAYS


def experiment(
    db_session: Session,
    *,
    playbook: Playbook,
    at: datetime,
    relative_reduction: float = DEFAULT_RELATIVE_REDUCTION,
) -> Experiment:
    """``playbook``'s experiment as of ``at``: arms, power and recommendations."""
    window = window_days(playbook)
    treated, held_back = _arms(db_session, playbook=playbook, at=at, window=window)
    difference = p_value = None
    if treated.churn_rate is not None and held_back.churn_rate is not None:
        difference = treated.churn_rate - held_back.churn_rate
        p_value = two_sided_p_value(
            (treated.churned, held_back.churned), (treated.followed_up, held_back.followed_up)
        )
    power = _power(
        db_session,
        playbook=playbook,
        at=at,
        window=window,
        held_back=held_back,
        treated=treated,
        relative_reduction=relative_reduction,
    )
    result = Experiment(
        playbook_id=playbook.id,
        playbook_name=playbook.name,
        control_share=playbook.control_share,
        window_days=window,
        treated=treated,
        held_back=held_back,
        difference=difference,
        p_value=p_value,
        power=power,
        recommendations=[],
    )
    result.recommendations.extend(recommendations(db_session, playbook=playbook, result=result))
    return result


def _arms(
    db_session: Session, *, playbook: Playbook, at: datetime, window: int
) -> tuple[ArmResult, ArmResult]:
    """Each customer's first entry, whether its window closed, and whether they churned in it."""
    entries = db_session.execute(
        select(Enrolment.customer_id, Enrolment.arm, Enrolment.entered_at)
        .where(Enrolment.playbook_id == playbook.id, Enrolment.entered_at <= at)
        .order_by(Enrolment.entered_at, Enrolment.id)
    ).all()
    first: dict[int, tuple[Arm, datetime]] = {}
    for customer_id, arm, entered_at in entries:
        first.setdefault(customer_id, (arm, entered_at))
    churn_dates: dict[int, list[datetime]] = {}
    if first:
        for customer_id, churned_at in db_session.execute(
            select(LifecycleEvent.customer_id, LifecycleEvent.at).where(
                LifecycleEvent.kind == LifecycleKind.CHURNED,
                LifecycleEvent.customer_id.in_(first),
                LifecycleEvent.at <= at,
            )
        ):
            churn_dates.setdefault(customer_id, []).append(churned_at)
    counts = {arm: Counter[str]() for arm in Arm}
    for customer_id, (arm, entered_at) in first.items():
        start = entered_at
        end = start + timedelta(days=window)
        churned = any(start <= moment <= end for moment in churn_dates.get(customer_id, []))
        counts[arm]["customers"] += 1
        if churned or end <= at:
            counts[arm]["followed_up"] += 1
            counts[arm]["churned"] += churned
    return tuple(  # type: ignore[return-value]
        ArmResult(
            arm=arm,
            customers=counts[arm]["customers"],
            followed_up=counts[arm]["followed_up"],
            churned=counts[arm]["churned"],
        )
        for arm in (Arm.TREATED, Arm.HELD_BACK)
    )


def book_churn_rate(db_session: Session, *, at: datetime, window: int) -> float | None:
    """The share of the book that churns in ``window`` days, from the year before ``at``.

    The yearly rate is customers who churned in that year over customers who had not churned
    before it; the window's rate assumes churn spread evenly over the year.
    """
    year_start = at - timedelta(days=365)
    churned_before = select(LifecycleEvent.customer_id).where(
        LifecycleEvent.kind == LifecycleKind.CHURNED, LifecycleEvent.at < year_start
    )
    at_risk = db_session.scalar(
        select(func.count()).select_from(Customer).where(Customer.id.not_in(churned_before))
    )
    churned = db_session.scalar(
        select(func.count(func.distinct(LifecycleEvent.customer_id))).where(
            LifecycleEvent.kind == LifecycleKind.CHURNED,
            LifecycleEvent.at >= year_start,
            LifecycleEvent.at <= at,
        )
    )
    if not at_risk or not churned:
        return None
    yearly = min(int(churned) / int(at_risk), 0.999)
    return float(1 - (1 - yearly) ** (window / 365))


def latest_event(db_session: Session) -> datetime | None:
    """When the data's newest lifecycle event happened: the book's "now" for a historical world."""
    latest = db_session.scalar(select(func.max(LifecycleEvent.at)))
    return latest


def _power(
    db_session: Session,
    *,
    playbook: Playbook,
    at: datetime,
    window: int,
    held_back: ArmResult,
    treated: ArmResult,
    relative_reduction: float,
) -> PowerResult:
    """Baseline from the held-back arm when it is large enough, else from the whole book."""
    if held_back.followed_up >= MIN_HELD_BACK_FOR_BASELINE and held_back.churn_rate:
        baseline: float | None = held_back.churn_rate
        source = f"{held_back.followed_up} held-back customers"
    else:
        latest = latest_event(db_session)
        book_end = min(at, latest) if latest else at
        baseline = book_churn_rate(db_session, at=book_end, window=window)
        source = f"the whole book over the year to {day_words(book_end.date())}"
    entries_last_year = int(
        db_session.scalar(
            select(func.count(func.distinct(Enrolment.customer_id))).where(
                Enrolment.playbook_id == playbook.id,
                Enrolment.entered_at > at - timedelta(days=365),
                Enrolment.entered_at <= at,
            )
        )
        or 0
    )
    first_entry = db_session.scalar(
        select(func.min(Enrolment.entered_at)).where(
            Enrolment.playbook_id == playbook.id, Enrolment.entered_at <= at
        )
    )
    days_running = min(365, (at - first_entry).days) if first_entry else 0
    per_year = entries_last_year * 365 / days_running if days_running >= MIN_DAYS_FOR_PACE else None
    target = per_arm = entries = years = detectable = None
    if baseline is not None:
        target = baseline * (1 - relative_reduction)
        per_arm = needed_per_arm(baseline, target)
        share = playbook.control_share
        if share > 0:
            held_back_needed = needed_per_arm(baseline, target, ratio=(1 - share) / share)
            entries = math.ceil(held_back_needed / share)
            if per_year:
                years = entries / per_year
        detectable = minimum_detectable_reduction(
            baseline, treated=treated.followed_up, held_back=held_back.followed_up
        )
    return PowerResult(
        baseline_churn_rate=baseline,
        baseline_source=source,
        minimum_detectable_reduction=detectable,
        relative_reduction=relative_reduction,
        target_churn_rate=target,
        needed_per_arm=per_arm,
        needed_entries=entries,
        entries_last_year=entries_last_year,
        entries_per_year=per_year,
        years_to_read=years,
    )


def recommendations(
    db_session: Session, *, playbook: Playbook, result: Experiment
) -> list[Recommendation]:
    """Which variants to test next, each citing the numbers that call for it."""
    advice = _sample_advice(db_session, playbook=playbook, result=result)
    advice.extend(_step_advice(db_session, playbook=playbook))
    advice.extend(_outcome_advice(result))
    return advice


def _sample_advice(
    db_session: Session, *, playbook: Playbook, result: Experiment
) -> list[Recommendation]:
    """Advice on the control group and the number of customers the test needs."""
    power = result.power
    if playbook.control_share == 0:
        return [
            Recommendation(
                kind="control_group",
                text="Nobody is held back (control share 0%), so its effect cannot be measured: "
                "hold back 10% of the customers who enter.",
            )
        ]
    if power.baseline_churn_rate is None or power.needed_entries is None:
        return [
            Recommendation(
                kind="no_baseline",
                text="No churn has been recorded yet, so no sample size can be worked out: "
                "read this again once customers have churned or renewed.",
            )
        ]
    if power.entries_last_year == 0:
        return [
            Recommendation(
                kind="no_entries",
                text=f"No customer entered in the last year, and reading a "
                f"{power.relative_reduction:.0%} fall in churn needs {power.needed_entries:,}: "
                "check its trigger and entry criteria.",
            )
        ]
    baseline, target = power.baseline_churn_rate, power.target_churn_rate or 0.0
    at_half = 2 * needed_per_arm(baseline, target)
    need = (
        f"Reading a {power.relative_reduction:.0%} fall in churn ({baseline:.1%} to "
        f"{target:.1%}) needs {power.needed_entries:,} customers at a "
        f"{playbook.control_share:.0%} control share"
    )
    if power.entries_per_year is None:
        return [
            Recommendation(
                kind="sample_size",
                text=f"{need} ({at_half:,} if half are held back); it has taken "
                f"{power.entries_last_year:,} so far, too few days to tell how long that takes.",
            )
        ]
    if power.years_to_read is None or power.years_to_read <= 1:
        return []
    years = "more than 10 years" if power.years_to_read > 10 else f"{power.years_to_read:.1f} years"
    siblings = ", ".join(f"“{name}”" for name in _siblings(db_session, playbook))
    pool = (
        f"pool it with {siblings} (same trigger) as one test, or "
        if siblings
        else "pool it with playbooks of the same trigger as one test, or "
    )
    return [
        Recommendation(
            kind="sample_size",
            text=f"{need}; at {power.entries_per_year:,.0f} a year that takes {years}. To read "
            f"it sooner, {pool}hold back half: then {at_half:,} customers suffice.",
        )
    ]


def _siblings(db_session: Session, playbook: Playbook) -> list[str]:
    """Other active playbooks started by the same trigger kind, by name."""
    others = db_session.scalars(
        select(Playbook)
        .where(Playbook.id != playbook.id, Playbook.status == PlaybookStatus.ACTIVE)
        .order_by(Playbook.name)
    )
    kind = playbook.definition.trigger.kind
    return [other.name for other in others if other.definition.trigger.kind == kind][:3]


def _step_advice(db_session: Session, *, playbook: Playbook) -> list[Recommendation]:
    """The most skipped step (test dropping or replacing it); late or skipped e-mails (a call)."""
    steps = playbook.definition.steps
    closed = db_session.scalars(
        select(Task).where(
            Task.playbook_id == playbook.id,
            Task.status.in_([TaskStatus.DONE, TaskStatus.SKIPPED]),
        )
    ).all()
    by_step: dict[int, list[Task]] = {}
    for task in closed:
        by_step.setdefault(task.step_index, []).append(task)
    advice: list[Recommendation] = []
    skip_shares = {
        index: sum(task.status is TaskStatus.SKIPPED for task in tasks) / len(tasks)
        for index, tasks in by_step.items()
        if len(tasks) >= MIN_CLOSED_TASKS
    }
    if skip_shares:
        index = max(skip_shares, key=lambda key: (skip_shares[key], -key))
        if skip_shares[index] >= SKIP_SHARE_WORTH_TESTING:
            tasks = by_step[index]
            skipped = [task for task in tasks if task.status is TaskStatus.SKIPPED]
            reason = _commonest_note(skipped)
            advice.append(
                Recommendation(
                    kind="skipped_step",
                    text=f"Step {index + 1} ({tasks[0].title}) was skipped in {len(skipped)} of "
                    f"{len(tasks)} closed tasks ({skip_shares[index]:.0%})"
                    + (f', most often because "{reason}"' if reason else "")
                    + ": test a variant that drops or replaces it.",
                )
            )
    for index, tasks in sorted(by_step.items()):
        if index >= len(steps) or steps[index].kind.value != "email":
            continue
        if len(tasks) < MIN_CLOSED_TASKS:
            continue
        missed = [task for task in tasks if _skipped_or_late(task)]
        if len(missed) / len(tasks) >= LATE_SHARE_WORTH_TESTING:
            advice.append(
                Recommendation(
                    kind="email_to_call",
                    text=f"The e-mail of step {index + 1} ({tasks[0].title}) was skipped or sent "
                    f"late in {len(missed)} of {len(tasks)} closed tasks "
                    f"({len(missed) / len(tasks):.0%}): test a call instead.",
                )
            )
    return advice


def _outcome_advice(result: Experiment) -> list[Recommendation]:
    """What the arms' difference says, once it is readable."""
    if result.difference is None or result.p_value is None or result.p_value >= ALPHA:
        return []
    treated = result.treated.churn_rate or 0.0
    held_back = result.held_back.churn_rate or 0.0
    numbers = (
        f"treated customers churned at {treated:.1%} against {held_back:.1%} held back "
        f"(p = {result.p_value:.3f})"
    )
    if result.difference < 0:
        return [
            Recommendation(
                kind="works",
                text=f"It works: {numbers}. Hold back less (5%) so more customers get it, and "
                "test a variant of its weakest step against it.",
            )
        ]
    return [
        Recommendation(
            kind="harms",
            text=f"It does harm: {numbers}. Stop it and test a different first step.",
        )
    ]


def _commonest_note(tasks: list[Task]) -> str | None:
    """The outcome note given most often (case and spacing ignored), as first written."""
    notes = [task.outcome_note.strip() for task in tasks if task.outcome_note]
    if not notes:
        return None
    counts = Counter(" ".join(note.lower().split()) for note in notes)
    commonest = counts.most_common(1)[0][0]
    return next(note for note in notes if " ".join(note.lower().split()) == commonest)


def _skipped_or_late(task: Task) -> bool:
    """Skipped, or done after its due date."""
    if task.status is TaskStatus.SKIPPED:
        return True
    return task.closed_at is not None and task.closed_at.date() > task.due_on
