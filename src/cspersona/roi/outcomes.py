"""What followed each intervention over 30, 60 and 90 days, recomputed as data arrives.

For an intervention performed at ``t`` and a window of ``w`` days, the window ends on
``t.date() + w`` and is complete once the data's own latest day reaches that day; until then its
figures are those seen so far and it is recomputed on the next refresh. Complete rows are final.

- churned / renewed: a churn or renewal lifecycle event in (``t``, window end].
- ARR: read from :class:`cspersona.roi.revenue.ArrHistory`. A lifecycle event's ``amount`` is
  the ARR *change* it brought, not the new ARR (docs/data-format.md; ``synth/world.py`` writes
  ``after - before``, ``-before`` for a churn and the ARR renewed for a renewal), so the ARR on a
  day is the customer's ARR now with every later change undone; after a churn it is 0.
  ``arr_start`` is the ARR just before ``t``, ``arr_end`` the ARR at the end of the window's last
  day seen (the window end, or the data's latest day when earlier).
- NPS and sentiment: the mean NPS score and the mean sentiment of the customer's own messages in
  the 90 days before ``t``, and in the window after it.
- usage: mean daily active users in the 30 days before ``t``'s day, and in the last 30 days of the
  window seen so far.

Everything is read in a handful of queries for all pending interventions at once: the demo world
logs thousands of them.
"""

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session

from cspersona.conversations.models import AuthorRole, Interaction, Message
from cspersona.customers.models import LifecycleEvent, LifecycleKind, NpsResponse, UsageDaily
from cspersona.interventions.models import Intervention
from cspersona.interventions.service import current
from cspersona.nlp.models import MessageAnalysis
from cspersona.roi.models import WINDOWS, InterventionOutcome
from cspersona.roi.revenue import ArrHistory

OPINION_BEFORE = timedelta(days=90)
USAGE_SPAN = timedelta(days=30)


@dataclass(frozen=True)
class OutcomeRefresh:
    """How many outcome rows a refresh wrote, and how many of those are complete (final)."""

    computed: int
    complete: int

    def words(self) -> str:
        """A line for the pipeline's and the CLI's report."""
        still_open = self.computed - self.complete
        return (
            f"{self.computed:,} outcomes computed, {self.complete:,} complete, {still_open:,} open"
        )


class _Series:
    """One customer's dated values, sorted, for means over any span without another query.

    Moments are datetimes (NPS, messages) or days (usage); a span is given in the same kind.
    """

    def __init__(self) -> None:
        self.moments: list[Any] = []
        self.values: list[float] = []

    def mean(self, after: Any, until: Any, *, inclusive_start: bool = False) -> float | None:
        """Mean of the values in (``after``, ``until``], or [``after``, ``until``]."""
        low = (bisect_left if inclusive_start else bisect_right)(self.moments, after)
        high = bisect_right(self.moments, until)
        chosen = self.values[low:high]
        return sum(chosen) / len(chosen) if chosen else None


def _series(rows: Iterable[Any]) -> dict[int, _Series]:
    """Group ``(customer_id, moment, value)`` rows, already in time order, by customer."""
    grouped: dict[int, _Series] = defaultdict(_Series)
    for customer_id, moment, value in rows:
        series = grouped[customer_id]
        series.moments.append(moment)
        series.values.append(float(value))
    return grouped


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


class _Evidence:
    """Every record the outcomes read, for the customers with pending interventions."""

    def __init__(self, db_session: Session, customers: Select[int], *, first_day: date) -> None:
        self.arr = ArrHistory(db_session, customers=customers)
        self.events: dict[int, list[tuple[datetime, LifecycleKind]]] = defaultdict(list)
        for row in db_session.execute(
            select(LifecycleEvent.customer_id, LifecycleEvent.at, LifecycleEvent.kind).where(
                LifecycleEvent.customer_id.in_(customers),
                LifecycleEvent.kind.in_([LifecycleKind.CHURNED, LifecycleKind.RENEWED]),
            )
        ):
            self.events[row.customer_id].append((row.at, LifecycleKind(row.kind)))
        self.nps = _series(
            db_session.execute(
                select(NpsResponse.customer_id, NpsResponse.answered_at, NpsResponse.score)
                .where(NpsResponse.customer_id.in_(customers))
                .order_by(NpsResponse.answered_at)
            )
        )
        self.sentiment = _series(
            db_session.execute(
                select(Interaction.customer_id, Message.sent_at, MessageAnalysis.sentiment_score)
                .join(Message, Message.interaction_id == Interaction.id)
                .join(MessageAnalysis, MessageAnalysis.message_id == Message.id)
                .where(
                    Interaction.customer_id.in_(customers),
                    Message.author_role == AuthorRole.CUSTOMER,
                )
                .order_by(Message.sent_at)
            )
        )
        # By day, not moment: the usage table is the largest read, and its days need no zone.
        self.usage = _series(
            db_session.execute(
                select(UsageDaily.customer_id, UsageDaily.day, UsageDaily.active_users)
                .where(UsageDaily.customer_id.in_(customers), UsageDaily.day >= first_day)
                .order_by(UsageDaily.day)
            )
        )

    def happened(
        self, customer_id: int, kind: LifecycleKind, after: datetime, until: datetime
    ) -> bool:
        return any(k is kind and after < at <= until for at, k in self.events.get(customer_id, []))


def _outcome(
    evidence: _Evidence, entry: Intervention, window: int, latest: date
) -> InterventionOutcome:
    start = entry.performed_at
    window_end = start.date() + timedelta(days=window)
    seen_end = min(window_end, latest)
    # The end of the last day seen: events on that day belong to the window.
    until = _midnight(seen_end + timedelta(days=1)) - timedelta(microseconds=1)
    customer = entry.customer_id
    churned = evidence.happened(customer, LifecycleKind.CHURNED, start, until)
    empty = _Series()
    nps = evidence.nps.get(customer, empty)
    sentiment = evidence.sentiment.get(customer, empty)
    usage = evidence.usage.get(customer, empty)
    day = start.date()
    before = start - timedelta(microseconds=1)
    return InterventionOutcome(
        intervention_id=entry.id,
        window_days=window,
        window_end=window_end,
        complete=window_end <= latest,
        churned=churned,
        renewed=evidence.happened(customer, LifecycleKind.RENEWED, start, until),
        arr_start=evidence.arr.arr_at(customer, before),
        arr_end=0.0 if churned else evidence.arr.arr_at(customer, until),
        nps_before=nps.mean(start - OPINION_BEFORE, before, inclusive_start=True),
        nps_after=nps.mean(start, until),
        sentiment_before=sentiment.mean(start - OPINION_BEFORE, before, inclusive_start=True),
        sentiment_after=sentiment.mean(start, until),
        usage_before=usage.mean(day - USAGE_SPAN, day - timedelta(days=1), inclusive_start=True),
        # The last 30 days seen, never reaching back before the action's day.
        usage_after=usage.mean(max(seen_end - USAGE_SPAN, day), seen_end),
    )


def refresh_outcomes(db_session: Session, *, today: date | None) -> OutcomeRefresh:
    """Compute every missing or incomplete outcome of the current log, as of the data's ``today``.

    ``today`` is the data's latest day (``customers.status.data_as_of``); None (no data) computes
    nothing. Incomplete rows, including those of entries corrected since, are replaced; complete
    rows are final and left alone.
    """
    if today is None:
        return OutcomeRefresh(0, 0)
    log = current().subquery()
    # Windows complete in order, so an entry whose longest window is complete is done.
    done = (
        select(InterventionOutcome.intervention_id)
        .where(
            InterventionOutcome.intervention_id == log.c.id,
            InterventionOutcome.window_days == max(WINDOWS),
            InterventionOutcome.complete.is_(True),
        )
        .exists()
    )
    final = {
        (row.intervention_id, row.window_days)
        for row in db_session.execute(
            select(InterventionOutcome.intervention_id, InterventionOutcome.window_days).where(
                InterventionOutcome.complete.is_(True)
            )
        )
    }
    entries = [
        entry
        for entry in db_session.scalars(
            select(Intervention).join(log, log.c.id == Intervention.id).where(~done)
        )
        if any((entry.id, window) not in final for window in WINDOWS)
    ]
    db_session.execute(delete(InterventionOutcome).where(InterventionOutcome.complete.is_(False)))
    if not entries:
        return OutcomeRefresh(0, 0)
    first_day = min(entry.performed_at.date() for entry in entries) - USAGE_SPAN
    customers = select(log.c.customer_id).where(~done).distinct()
    evidence = _Evidence(db_session, customers, first_day=first_day)
    rows = [
        _outcome(evidence, entry, window, today)
        for entry in entries
        for window in WINDOWS
        if (entry.id, window) not in final
    ]
    db_session.add_all(rows)
    db_session.flush()
    return OutcomeRefresh(computed=len(rows), complete=sum(row.complete for row in rows))
