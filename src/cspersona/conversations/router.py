"""``/api/customers/{customer_id}/interactions``: a customer's conversations."""

from typing import Annotated

from fastapi import APIRouter, Depends

from cspersona.conversations import service
from cspersona.conversations.schemas import InteractionPage
from cspersona.customers.deps import AuthorizedCustomer
from cspersona.http.deps import SessionDep
from cspersona.http.errors import error_responses
from cspersona.http.pagination import PageParams, page_params

router = APIRouter(tags=["conversations"])


@router.get(
    "/customers/{customer_id}/interactions",
    response_model=InteractionPage,
    responses=error_responses(404),
)
def list_customer_interactions(
    customer: AuthorizedCustomer,
    db_session: SessionDep,
    page: Annotated[PageParams, Depends(page_params)],
) -> InteractionPage:
    """A customer's conversations, newest first, with their message counts."""
    items, total = service.get_all_for_customer(
        db_session=db_session, customer_id=customer.id, limit=page.limit, offset=page.offset
    )
    return InteractionPage.of(items, total, page)
