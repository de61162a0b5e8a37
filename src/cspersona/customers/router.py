"""``/api/customers``: list and read the customers the caller may see."""

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from cspersona.auth.deps import Reader
from cspersona.customers import service
from cspersona.customers.deps import AuthorizedCustomer
from cspersona.customers.models import Customer
from cspersona.customers.schemas import (
    CustomerFilters,
    CustomerPage,
    CustomerRead,
    CustomerSort,
    SortOrder,
)
from cspersona.customers.status import statuses
from cspersona.http.deps import TEXT_PATTERN, SessionDep
from cspersona.http.errors import error_responses
from cspersona.http.pagination import PageParams, page_params

router = APIRouter(prefix="/customers", tags=["customers"])


async def customer_filters(
    csm_owner: Annotated[
        str | None, Query(pattern=TEXT_PATTERN, description="Only this CSM's customers.")
    ] = None,
    plan: Annotated[
        str | None, Query(pattern=TEXT_PATTERN, description="Only customers on this plan.")
    ] = None,
    industry: Annotated[
        str | None, Query(pattern=TEXT_PATTERN, description="Only customers in this industry.")
    ] = None,
    q: Annotated[
        str | None,
        Query(max_length=255, pattern=TEXT_PATTERN, description="Company names containing this."),
    ] = None,
) -> CustomerFilters:
    """Read the customer-list filters from the query string; an empty value means no filter."""
    return CustomerFilters(
        csm_owner=csm_owner or None, plan=plan or None, industry=industry or None, search=q or None
    )


@router.get("", response_model=CustomerPage)
def list_customers(
    principal: Reader,
    db_session: SessionDep,
    page: Annotated[PageParams, Depends(page_params)],
    filters: Annotated[CustomerFilters, Depends(customer_filters)],
    sort: Annotated[CustomerSort, Query(description="Column to sort by.")] = CustomerSort.ID,
    order: Annotated[SortOrder, Query(description="Sort direction.")] = SortOrder.ASC,
) -> CustomerPage:
    """The customers the caller may see (a CSM: their own), filtered, sorted, one page at a time."""
    customers, total = service.get_all(
        db_session=db_session,
        limit=page.limit,
        offset=page.offset,
        filters=filters,
        sort=sort,
        order=order,
        visible_to=principal,
    )
    return CustomerPage.of(with_status(db_session, customers), total, page)


@router.get("/{customer_id}", response_model=CustomerRead, responses=error_responses(404))
def read_customer(customer: AuthorizedCustomer, db_session: SessionDep) -> CustomerRead:
    """One customer by id with its status; 404 when unknown or not the caller's to see."""
    return with_status(db_session, [customer])[0]


def with_status(db_session: Session, customers: Sequence[Customer]) -> list[CustomerRead]:
    """The customers as the API shows them, each with where it stands."""
    found = statuses(db_session=db_session, customers=customers)
    return [
        CustomerRead.model_validate(customer).model_copy(update={"status": found[customer.id]})
        for customer in customers
    ]
