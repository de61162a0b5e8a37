"""Dependencies of pages: the logged-in user, and a customer they may see.

The page counterparts of :mod:`cspersona.auth.deps`: a page takes ``PageUser`` to require a login
and ``PageCustomer`` instead of loading a customer from its ``customer_id`` path parameter, which
applies the same object-level authorization as the API.
"""

from typing import Annotated

from fastapi import Depends, Query, Request

from cspersona.auth import service
from cspersona.auth.deps import commit_last_use
from cspersona.auth.policy import Principal
from cspersona.auth.sessions import COOKIE_NAME, read_token
from cspersona.customers.deps import authorized_customer
from cspersona.customers.models import Customer
from cspersona.db.types import utc_now
from cspersona.exceptions import Unauthorized
from cspersona.http.deps import SessionDep, SettingsDep
from cspersona.http.limits import MAX_ID


def get_page_principal(
    request: Request, db_session: SessionDep, settings: SettingsDep
) -> Principal:
    """The user of the session cookie, or :class:`Unauthorized` (answered with the login page)."""
    token = request.cookies.get(COOKIE_NAME)
    key_id = read_token(token, secret_key=settings.secret_key, now=utc_now()) if token else None
    if key_id is None:
        raise Unauthorized("log in with an API key")
    principal = service.authenticate_key_id(db_session=db_session, key_id=key_id)
    commit_last_use(db_session)
    return principal


PageUser = Annotated[Principal, Depends(get_page_principal)]


PageCustomer = Annotated[Customer, Depends(authorized_customer(get_page_principal))]

# An optional id in the query string (a filter, a chosen customer).
OptionalId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
