"""Where a customer stands: active, renewing soon, or churned (and when).

Dates are measured against the data's own "now" (the newest usage day, lifecycle event or NPS
answer), never the wall clock, so a demo world that ends a year ago still reads right.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, case, exists, func, select
from sqlalchemy.orm import Session

from cspersona.customers.models import (
    Customer,
    LifecycleEvent,
    LifecycleKind,
    NpsResponse,
    UsageDaily,
)
from cspersona.customers.schemas import CustomerRead, CustomerStatus, StatusRead
from cspersona.db.cache import read_models

RENEWING_SOON_DAYS = 60
# The order a status sort reads in: who needs the CSM first (renewing soon), then the rest.
STATUS_ORDER = (CustomerStatus.RENEWING, CustomerStatus.ACTIVE, CustomerStatus.CHURNED)
DATA_WATCHED = (UsageDaily.day, LifecycleEvent.at, NpsResponse.answered_at)


def data_as_of(db_session: Session) -> date | None:
    """The newest day any customer record speaks of (None for an empty database).

    Kept as a read model: ``max(day)`` scans the whole usage table, and every customer list and
    customer page asks for it, while only an import changes it.
    """
    return read_models.get(db_session, "data_as_of", DATA_WATCHED, lambda: _newest_day(db_session))


def _newest_day(db_session: Session) -> date | None:
    latest: list[date] = []
    usage = db_session.scalar(select(func.max(UsageDaily.day)))
    if usage is not None:
        latest.append(usage)
    for column in (LifecycleEvent.at, NpsResponse.answered_at):
        moment: datetime | None = db_session.scalar(select(func.max(column)))
        if moment is not None:
            latest.append(moment.date())
    return max(latest, default=None)


def statuses(
    *, db_session: Session, customers: Iterable[Customer], as_of: date | None = None
) -> dict[int, StatusRead]:
    """Each customer's status at ``as_of`` (default: the data's own latest day)."""
    customers = list(customers)
    as_of = as_of or data_as_of(db_session)
    churned = dict(
        db_session.execute(
            select(LifecycleEvent.customer_id, func.max(LifecycleEvent.at))
            .where(
                LifecycleEvent.kind == LifecycleKind.CHURNED,
                LifecycleEvent.customer_id.in_([customer.id for customer in customers]),
            )
            .group_by(LifecycleEvent.customer_id)
        ).all()
    )
    return {
        customer.id: _status(customer, churned.get(customer.id), as_of).model_copy(
            update={"as_of": as_of}
        )
        for customer in customers
    }


def with_status(*, db_session: Session, customers: Sequence[Customer]) -> list[CustomerRead]:
    """The customers as the API shows them, each with where it stands."""
    found = statuses(db_session=db_session, customers=customers)
    return [
        CustomerRead.model_validate(customer).model_copy(update={"status": found[customer.id]})
        for customer in customers
    ]


def _status(customer: Customer, churned_at: datetime | None, as_of: date | None) -> StatusRead:
    if churned_at is not None:
        return StatusRead(status=CustomerStatus.CHURNED, churned_on=churned_at.date())
    renewal = customer.renewal_date
    if renewal is None or as_of is None:
        return StatusRead(status=CustomerStatus.ACTIVE)
    if not as_of <= renewal <= as_of + timedelta(days=RENEWING_SOON_DAYS):
        return StatusRead(status=CustomerStatus.ACTIVE)
    return StatusRead(status=CustomerStatus.RENEWING, renewal_in_days=(renewal - as_of).days)


def status_rank(as_of: date | None) -> ColumnElement[int]:
    """A customer's status as SQL, its position in :data:`STATUS_ORDER`, for sorts and filters.

    The same rule as :func:`statuses`: any churn event makes a customer churned; otherwise a
    renewal within :data:`RENEWING_SOON_DAYS` of ``as_of`` makes them renewing soon.
    """
    churned = exists().where(
        LifecycleEvent.customer_id == Customer.id, LifecycleEvent.kind == LifecycleKind.CHURNED
    )
    rank = {status: position for position, status in enumerate(STATUS_ORDER)}
    whens: list[tuple[ColumnElement[bool], int]] = [(churned, rank[CustomerStatus.CHURNED])]
    if as_of is not None:
        soon = Customer.renewal_date.between(as_of, as_of + timedelta(days=RENEWING_SOON_DAYS))
        whens.append((soon, rank[CustomerStatus.RENEWING]))
    return case(*whens, else_=rank[CustomerStatus.ACTIVE])


def status_is(status: CustomerStatus, as_of: date | None) -> ColumnElement[bool]:
    """Whether a customer has ``status`` at ``as_of``, as a SQL condition."""
    return status_rank(as_of) == STATUS_ORDER.index(status)
