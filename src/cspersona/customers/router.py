"""``/api/customers``: list and read customers."""

from typing import Annotated

from fastapi import APIRouter, Depends

from cspersona.api.deps import SessionDep
from cspersona.api.pagination import PageParams, page_params
from cspersona.customers import service
from cspersona.customers.schemas import CustomerPage, CustomerRead

router = APIRouter(prefix="/customers", tags=["customers"])


@router.get("", response_model=CustomerPage)
def list_customers(
    db_session: SessionDep, page: Annotated[PageParams, Depends(page_params)]
) -> CustomerPage:
    """Customers ordered by id, one page at a time."""
    customers, total = service.get_all(db_session=db_session, limit=page.limit, offset=page.offset)
    return CustomerPage(
        items=[CustomerRead.model_validate(customer) for customer in customers],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get(
    "/{customer_id}",
    response_model=CustomerRead,
    responses={404: {"description": "No such customer"}},
)
def read_customer(customer_id: int, db_session: SessionDep) -> CustomerRead:
    """One customer by id."""
    return CustomerRead.model_validate(service.get(db_session=db_session, customer_id=customer_id))
