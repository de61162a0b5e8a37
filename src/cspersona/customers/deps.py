"""The route dependency that loads the path's customer only if the caller may see it."""

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends

from cspersona.auth.deps import requires
from cspersona.auth.policy import Permission, Principal
from cspersona.customers import service as customers_service
from cspersona.customers.access import authorize_customer
from cspersona.customers.models import Customer
from cspersona.http.deps import IdPath, SessionDep


def authorized_customer(
    principal_dependency: Callable[..., Principal],
) -> Callable[..., Customer]:
    """A dependency loading the path's ``customer_id`` if the caller may see it, else 404.

    ``principal_dependency`` finds the caller: the API key for routes, the session for pages.
    """

    def get_customer(
        customer_id: IdPath,
        db_session: SessionDep,
        principal: Annotated[Principal, Depends(principal_dependency)],
    ) -> Customer:
        customer = customers_service.get(db_session=db_session, customer_id=customer_id)
        return authorize_customer(principal, customer)

    return get_customer


AuthorizedCustomer = Annotated[Customer, Depends(authorized_customer(requires(Permission.READ)))]
FeedbackCustomer = Annotated[
    Customer, Depends(authorized_customer(requires(Permission.GIVE_FEEDBACK)))
]
