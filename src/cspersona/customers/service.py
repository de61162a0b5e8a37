"""Customer operations: plain functions on a session, no HTTP in sight."""

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from cspersona.auth.policy import Principal
from cspersona.customers.access import visible_customers
from cspersona.customers.models import Contact, Customer, NpsResponse
from cspersona.customers.schemas import (
    CustomerFacets,
    CustomerFilters,
    CustomerSort,
    NpsSummary,
    SortOrder,
)
from cspersona.exceptions import NotFound

SORT_COLUMNS: dict[CustomerSort, InstrumentedAttribute[object]] = {
    CustomerSort.ID: Customer.id,
    CustomerSort.COMPANY_NAME: Customer.company_name,
    CustomerSort.INDUSTRY: Customer.industry,
    CustomerSort.PLAN: Customer.plan,
    CustomerSort.ARR: Customer.arr,
    CustomerSort.CSM_OWNER: Customer.csm_owner,
    CustomerSort.RENEWAL_DATE: Customer.renewal_date,
}


def get(*, db_session: Session, customer_id: int) -> Customer:
    """The customer with this id, or :class:`NotFound`."""
    customer = db_session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"customer {customer_id} does not exist")
    return customer


def _conditions(filters: CustomerFilters) -> list[ColumnElement[bool]]:
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
    return conditions


def get_all(
    *,
    db_session: Session,
    limit: int,
    offset: int,
    filters: CustomerFilters | None = None,
    sort: CustomerSort = CustomerSort.ID,
    order: SortOrder = SortOrder.ASC,
    visible_to: Principal | None = None,
) -> tuple[list[Customer], int]:
    """One page of customers and the total count, filtered and sorted.

    Empty values sort last and ties by id; ``visible_to`` narrows to what that caller may see.
    """
    statement = select(Customer).where(*_conditions(filters or CustomerFilters()))
    if visible_to is not None:
        statement = visible_customers(statement, visible_to)
    total = db_session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    column = SORT_COLUMNS[sort]
    ordering = column.desc() if order is SortOrder.DESC else column.asc()
    page = db_session.scalars(
        statement.order_by(ordering.nulls_last(), Customer.id).limit(limit).offset(offset)
    )
    return list(page), total


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
