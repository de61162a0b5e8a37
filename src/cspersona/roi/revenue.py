"""ARR over time, from each customer's ARR now and the lifecycle events that changed it.

A lifecycle event's ``amount`` is the ARR change it brought (docs/data-format.md): ``expanded`` a
rise, ``contracted`` and ``downgraded`` a fall, ``churned`` minus the ARR lost, ``renewed`` the ARR
renewed (no change). So the ARR on a day is the ARR now with every later change undone; a
customer whose contract had not started, or who had churned, holds none.
"""

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cspersona.customers.models import Customer, LifecycleEvent, LifecycleKind

_FALLS = (LifecycleKind.CONTRACTED, LifecycleKind.DOWNGRADED)


@dataclass(frozen=True)
class Movements:
    """ARR lost to churn and contraction and won by expansion between two days."""

    churned: float
    contracted: float
    expanded: float


@dataclass(frozen=True)
class _Event:
    at: datetime
    kind: LifecycleKind
    amount: float


class ArrHistory:
    """The book's ARR on any day, loaded once for many questions (a chart asks for each month)."""

    def __init__(self, db_session: Session, *, customers: Select[int]) -> None:
        """Read ``customers``' ARR now and every lifecycle event of theirs, in two queries."""
        self._now: dict[int, float] = {}
        self._start: dict[int, date | None] = {}
        for row in db_session.execute(
            select(Customer.id, Customer.arr, Customer.contract_start).where(
                Customer.id.in_(customers)
            )
        ):
            self._now[row.id] = row.arr or 0.0
            self._start[row.id] = row.contract_start
        self._events: dict[int, list[_Event]] = defaultdict(list)
        for event in db_session.execute(
            select(
                LifecycleEvent.customer_id,
                LifecycleEvent.at,
                LifecycleEvent.kind,
                LifecycleEvent.amount,
            )
            .where(LifecycleEvent.customer_id.in_(customers))
            .order_by(LifecycleEvent.at, LifecycleEvent.id)
        ):
            self._events[event.customer_id].append(
                _Event(event.at, LifecycleKind(event.kind), event.amount or 0.0)
            )

    @property
    def customer_ids(self) -> list[int]:
        """The customers this history covers."""
        return list(self._now)

    def on(self, day: date) -> dict[int, float]:
        """Each customer's ARR at the start of ``day``."""
        return {customer: self.arr_of(customer, day) for customer in self._now}

    def arr_of(self, customer: int, day: date) -> float:
        """One customer's ARR at the start of ``day``."""
        return self.arr_at(customer, datetime.combine(day, time(), UTC))

    def movements(self, start: date, end: date, *, customers: set[int] | None = None) -> Movements:
        """Churn, contraction and expansion in [``start``, ``end``), of ``customers`` or all."""
        low, high = (datetime.combine(d, time(), UTC) for d in (start, end))
        churned = contracted = expanded = 0.0
        for customer, events in self._events.items():
            if customers is not None and customer not in customers:
                continue
            for event in events:
                if not low <= event.at < high:
                    continue
                if event.kind is LifecycleKind.CHURNED:
                    churned += abs(event.amount)
                elif event.kind in _FALLS:
                    contracted += abs(event.amount)
                elif event.kind is LifecycleKind.EXPANDED:
                    expanded += abs(event.amount)
        return Movements(churned, contracted, expanded)

    def arr_at(self, customer: int, moment: datetime) -> float:
        """``customer``'s ARR just after ``moment`` (events at ``moment`` count as done)."""
        started = self._start[customer]
        if started is not None and started > moment.date():
            return 0.0
        events = self._events.get(customer, [])
        earlier = bisect_right([e.at for e in events], moment)
        if any(e.kind is LifecycleKind.CHURNED for e in events[:earlier]):
            return 0.0
        arr = self._now[customer]
        later = events[earlier:]
        churn = next((e for e in later if e.kind is LifecycleKind.CHURNED), None)
        if churn is not None:
            # The ARR now is what was lost; changes before the churn are undone from there.
            arr = abs(churn.amount)
            later = [e for e in later if e.at < churn.at]
        for event in reversed(later):
            if event.kind is LifecycleKind.EXPANDED or event.kind in _FALLS:
                arr -= event.amount
        return max(arr, 0.0)
