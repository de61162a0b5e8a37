"""Customer operations: plain functions on a session, no HTTP in sight."""

from datetime import date

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from cspersona.auth.policy import Principal
from cspersona.customers.access import visible_customers
from cspersona.customers.models import Contact, Customer, NpsResponse
from cspersona.customers.schemas import (
    CustomerFacets,
    CustomerFilters,
    NpsSummary,
)
from cspersona.customers.status import status_is
from cspersona.exceptions import NotFound


def get(*, db_session: Session, customer_id: int) -> Customer:
    """The customer with this id, or :class:`NotFound`."""
    customer = db_session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"customer {customer_id} does not exist")
    return customer


def _conditions(filters: CustomerFilters, as_of: date | None) -> list[ColumnElement[bool]]:
    conditions = [
        column == value
        for column, value in (
            (Customer.csm_owner, filters.csm_owner),
            (Customer.plan, filters.plan),
            (Customer.industry, filters.industry),
        )
        if value is not None
    ]
    if filters.search:
        escaped = filters.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(Customer.company_name.ilike(f"%{escaped}%", escape="\\"))
    if filters.status is not None:
        conditions.append(status_is(filters.status, as_of))
    return conditions


def filtered(
    *, filters: CustomerFilters, as_of: date | None, visible_to: Principal | None = None
) -> Select[Customer]:
    """The customers matching ``filters`` that ``visible_to`` may see, unordered.

    The base of every customer list; ``as_of`` (the data's latest day) dates the status filter.
    """
    statement = select(Customer).where(*_conditions(filters, as_of))
    return statement if visible_to is None else visible_customers(statement, visible_to)


def get_facets(*, db_session: Session, visible_to: Principal | None = None) -> CustomerFacets:
    """The distinct owners, plans and industries among the customers ``visible_to`` sees."""

    def distinct(column: InstrumentedAttribute[str | None]) -> list[str]:
        statement = select(column).where(column.is_not(None)).distinct().order_by(column)
        if visible_to is not None:
            statement = visible_customers(statement, visible_to)
        return [value for value in db_session.scalars(statement) if value is not None]

    return CustomerFacets(
        csm_owners=distinct(Customer.csm_owner),
        plans=distinct(Customer.plan),
        industries=distinct(Customer.industry),
    )


def count_contacts(*, db_session: Session, customer_id: int) -> int:
    """How many contacts the customer has."""
    statement = select(func.count()).where(Contact.customer_id == customer_id)
    return db_session.scalar(statement) or 0


def nps_summary(*, db_session: Session, customer_id: int) -> NpsSummary:
    """How many NPS answers the customer gave, and their mean score."""
    answers, average = db_session.execute(
        select(func.count(), func.avg(NpsResponse.score)).where(
            NpsResponse.customer_id == customer_id
        )
    ).one()
    return NpsSummary(answers=answers, average_score=None if average is None else float(average))
