"""One period's ROI figures: saved ARR, cost, ROI, retention, effects and revenue over time.

Effects use every entry whose effect window ended before the period's end: the more evidence,
the tighter the intervals. Saved ARR is attributed to the period by the customers it concerns:
each playbook's retained-ARR gain per dollar, times the starting ARR of its treated customers
whose window ended inside the period. Retention is the book's own: gross and net revenue
retention of the customers who held ARR when the period began.
"""

import math
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from cspersona.auth.policy import Principal
from cspersona.config import Settings
from cspersona.customers.access import visible_customers
from cspersona.customers.models import Customer
from cspersona.interventions import service as interventions
from cspersona.interventions.models import Arm
from cspersona.roi.costs import period_cost
from cspersona.roi.effects import Unit, by_persona, by_playbook, units
from cspersona.roi.intervals import Interval, normal_interval, normal_quantile
from cspersona.roi.observational import observational_effects
from cspersona.roi.period import month_before, months
from cspersona.roi.revenue import ArrHistory
from cspersona.roi.summary import Cost, Design, Effect, Period, RevenueMonth, RoiSummary

# The revenue chart shows this many months, ending with the period's last.
REVENUE_MONTHS = 12


def summary(
    db_session: Session, *, period: Period, settings: Settings, principal: Principal | None = None
) -> RoiSummary:
    """Everything the ROI page and the executive report say about ``period``.

    ``principal`` narrows every figure to the customers the caller may see (a CSM's own book).
    """
    customers = _customers(principal)
    history = ArrHistory(db_session, customers=customers)
    measured = units(db_session, until=period.end, customers=customers)
    randomised = by_playbook(measured)
    observed = observational_effects(
        db_session, until=period.end, customers=customers, history=history
    )
    saved = _saved_arr(measured, randomised, start=period.start, end=period.end)
    design = Design.RANDOMISED
    if saved is None and observed:
        # Only when no randomised figure exists does the headline fall back to a comparison.
        saved, design = _observed_saved_arr(observed), Design.OBSERVATIONAL
    cost = period_cost(
        db_session,
        period=period,
        customers=customers,
        hourly_rate=settings.roi_hourly_rate,
        tool_cost_per_month=settings.roi_tool_cost_per_month,
    )
    gross, net = _retention(history, period)
    count, reached = _activity(db_session, period=period, customers=customers)
    return RoiSummary(
        period=period,
        saved_arr=saved,
        saved_arr_design=design,
        cost=cost,
        roi=_roi(saved, cost),
        gross_revenue_retention=gross,
        net_revenue_retention=net,
        interventions=count,
        customers_reached=reached,
        by_playbook=[*randomised, *observed],
        by_persona=by_persona(db_session, measured),
        revenue=_revenue(history, measured, randomised, period),
    )


def _customers(principal: Principal | None) -> Select[int]:
    statement = select(Customer.id)
    return visible_customers(statement, principal) if principal is not None else statement


def _saved_arr(
    measured: Sequence[Unit], playbooks: Sequence[Effect], *, start: date, end: date
) -> Interval | None:
    """Saved ARR of the treated customers whose window ended in [start, end), with its interval.

    Playbooks are independent experiments, so their variances add.
    """
    treated_arr: dict[str, float] = defaultdict(float)
    for unit in measured:
        if unit.arm is Arm.TREATED and start <= unit.window_end < end:
            treated_arr[unit.playbook] += unit.arr_start
    return _sum(
        [
            effect.retained_arr_difference.scaled(treated_arr[effect.name])
            for effect in playbooks
            if effect.scope == "playbook"
            and effect.retained_arr_difference is not None
            and treated_arr.get(effect.name)
        ]
    )


def _observed_saved_arr(observed: Sequence[Effect]) -> Interval | None:
    """The observational effects' saved ARR added up, their variances too."""
    parts = [effect.saved_arr for effect in observed if effect.saved_arr is not None]
    return _sum(parts)


def _sum(parts: Sequence[Interval]) -> Interval | None:
    """Independent estimates added, with the normal interval of the sum."""
    if not parts:
        return None
    z = normal_quantile()
    variance = sum(((part.high - part.low) / (2 * z)) ** 2 for part in parts)
    return normal_interval(sum(part.estimate for part in parts), math.sqrt(variance))


def _roi(saved: Interval | None, cost: Cost) -> Interval | None:
    """The return as a multiple of the cost: saved ARR ÷ cost (1.0 pays for itself; net is −1)."""
    if saved is None or cost.total <= 0:
        return None
    return saved.scaled(1 / cost.total)


def _retention(history: ArrHistory, period: Period) -> tuple[float | None, float | None]:
    """Gross and net revenue retention of the customers holding ARR when the period began."""
    starting = {c: arr for c, arr in history.on(period.start).items() if arr > 0}
    total = sum(starting.values())
    if not total:
        return None, None
    moved = history.movements(period.start, period.end, customers=set(starting))
    gross = (total - moved.churned - moved.contracted) / total
    return gross, gross + moved.expanded / total


def _activity(db_session: Session, *, period: Period, customers: Select[int]) -> tuple[int, int]:
    """How many actions were logged in the period, and for how many customers."""
    current = interventions.current().subquery()
    row = db_session.execute(
        select(func.count(), func.count(current.c.customer_id.distinct())).where(
            current.c.performed_at >= datetime.combine(period.start, time(), UTC),
            current.c.performed_at < datetime.combine(period.end, time(), UTC),
            current.c.customer_id.in_(customers),
        )
    ).one()
    return int(row[0]), int(row[1])


def _revenue(
    history: ArrHistory, measured: Sequence[Unit], playbooks: Sequence[Effect], period: Period
) -> list[RevenueMonth]:
    """The book's monthly ARR movements, ending with the period, and saved ARR so far."""
    last = months(period)[-1]
    firsts = [last]
    while len(firsts) < REVENUE_MONTHS:
        firsts.insert(0, month_before(firsts[0]))
    points = []
    for index, first in enumerate(firsts):
        after = firsts[index + 1] if index + 1 < len(firsts) else period.end
        moved = history.movements(first, after)
        saved = _saved_arr(measured, playbooks, start=date.min, end=after)
        points.append(
            RevenueMonth(
                month=first,
                starting_arr=sum(history.on(first).values()),
                churned_arr=moved.churned,
                contracted_arr=moved.contracted,
                expanded_arr=moved.expanded,
                saved_arr=saved.estimate if saved else None,
            )
        )
    return points
