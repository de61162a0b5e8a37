"""What the logged interventions cost: CSM time at a loaded hourly rate, plus the tool.

An entry's own ``hours`` wins; otherwise its kind's typical time below. Entering a playbook costs
nothing by itself: the tasks that follow are logged, and costed, when they are done.
"""

from datetime import UTC, datetime, time

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cspersona.interventions import service as interventions
from cspersona.interventions.models import InterventionKind
from cspersona.roi.period import months
from cspersona.roi.summary import Cost, Period

TYPICAL_HOURS: dict[InterventionKind, float] = {
    InterventionKind.ENTERED: 0.0,
    InterventionKind.EMAIL: 0.25,
    InterventionKind.CALL: 0.5,
    InterventionKind.MEETING: 1.0,
    InterventionKind.IN_APP: 0.25,
    InterventionKind.TRAINING: 2.0,
    InterventionKind.EXECUTIVE_SPONSOR: 1.0,
    InterventionKind.DISCOUNT: 0.5,
    InterventionKind.INTERNAL: 0.5,
    InterventionKind.OTHER: 0.5,
}


def period_cost(
    db_session: Session,
    *,
    period: Period,
    customers: Select[int],
    hourly_rate: float,
    tool_cost_per_month: float,
) -> Cost:
    """CSM hours logged in ``period`` for ``customers`` at ``hourly_rate``, plus the tool."""
    start = datetime.combine(period.start, time(), UTC)
    end = datetime.combine(period.end, time(), UTC)
    current = interventions.current().subquery()
    entries = db_session.execute(
        select(current.c.kind, current.c.hours).where(
            current.c.performed_at >= start,
            current.c.performed_at < end,
            current.c.customer_id.in_(customers),
        )
    ).all()
    hours = sum(
        row.hours if row.hours is not None else TYPICAL_HOURS[InterventionKind(row.kind)]
        for row in entries
    )
    return Cost(
        csm_hours=round(hours, 2),
        hourly_rate=hourly_rate,
        tool_cost=tool_cost_per_month * len(months(period)),
    )
