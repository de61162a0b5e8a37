"""``/api/customers/{id}``: read one customer the caller may see.

The list, ``/api/customers``, joins each customer's persona and churn risk, from stages above this
package: it is served by :mod:`cspersona.reports.router`.
"""

from fastapi import APIRouter

from cspersona.customers.deps import AuthorizedCustomer
from cspersona.customers.schemas import CustomerRead
from cspersona.customers.status import with_status
from cspersona.http.deps import SessionDep
from cspersona.http.errors import error_responses

router = APIRouter(prefix="/customers", tags=["customers"])


@router.get("/{customer_id}", response_model=CustomerRead, responses=error_responses(404))
def read_customer(customer: AuthorizedCustomer, db_session: SessionDep) -> CustomerRead:
    """One customer by id with its status; 404 when unknown or not the caller's to see."""
    return with_status(db_session=db_session, customers=[customer])[0]
