"""``/api/customers``: the customer list with each customer's status, persona and churn risk."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BeforeValidator, Field

from cspersona.auth.deps import Reader
from cspersona.customers.schemas import CustomerSort, CustomerStatus, SortOrder
from cspersona.http.deps import SessionDep
from cspersona.http.limits import MAX_ID, TEXT_PATTERN
from cspersona.http.pagination import PageParams, page_params
from cspersona.predict.tiers import RiskTier
from cspersona.reports import customer_list
from cspersona.reports.schemas import CustomerListFilters, CustomerListPage

router = APIRouter(prefix="/customers", tags=["customers"])

# A form's "All" option sends an empty value: no filter, as for the text filters.
NoneIfEmpty = BeforeValidator(lambda value: value or None)
PersonaId = Annotated[int, Field(ge=1, le=MAX_ID)]


async def customer_list_filters(
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
    status: Annotated[
        CustomerStatus | None,
        NoneIfEmpty,
        Query(description="Only customers with this status at the data's latest day."),
    ] = None,
    persona_id: Annotated[
        PersonaId | None, NoneIfEmpty, Query(description="Only this persona's customers.")
    ] = None,
    risk_tier: Annotated[
        RiskTier | None, NoneIfEmpty, Query(description="Only customers in this 90-day risk tier.")
    ] = None,
) -> CustomerListFilters:
    """Read the customer-list filters from the query string; an empty value means no filter."""
    return CustomerListFilters(
        csm_owner=csm_owner or None,
        plan=plan or None,
        industry=industry or None,
        search=q or None,
        status=status,
        persona_id=persona_id,
        risk_tier=risk_tier,
    )


@router.get("", response_model=CustomerListPage)
def list_customers(
    principal: Reader,
    db_session: SessionDep,
    page: Annotated[PageParams, Depends(page_params)],
    filters: Annotated[CustomerListFilters, Depends(customer_list_filters)],
    sort: Annotated[CustomerSort, Query(description="Column to sort by.")] = CustomerSort.ID,
    order: Annotated[SortOrder, Query(description="Sort direction.")] = SortOrder.ASC,
) -> CustomerListPage:
    """The customers the caller may see (a CSM: their own), with status, persona and 90-day risk.

    Filtered, sorted (``status``: renewing soon, active, churned; ``risk_90d``: by probability;
    empty values last) and one page at a time.
    """
    customers, total = customer_list.get_all(
        db_session=db_session,
        limit=page.limit,
        offset=page.offset,
        filters=filters,
        sort=sort,
        order=order,
        visible_to=principal,
    )
    return CustomerListPage.of(customers, total, page)
