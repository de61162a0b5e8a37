import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.auth.models import Role
from cspersona.auth.policy import Principal
from cspersona.customers.access import authorize_customer, visible_customers
from cspersona.customers.models import Customer
from cspersona.exceptions import NotFound
from tests.factories import add_book


def _principal(role: Role, csm_owner: str | None = None, user_id: int = 1) -> Principal:
    return Principal(user_id=user_id, user_name="u", role=role, csm_owner=csm_owner, key_id=1)


@pytest.mark.parametrize(
    ("principal", "expected"),
    [
        (_principal(Role.VIEWER), 5),
        (_principal(Role.ANALYST), 5),
        (_principal(Role.CSM, "Dana Scully"), 2),
        (_principal(Role.CSM, "Fox Mulder"), 2),
        (_principal(Role.CSM, "Nobody"), 0),
    ],
)
def test_a_csm_query_sees_only_their_book(
    db_session: Session, principal: Principal, expected: int
) -> None:
    add_book(db_session)

    visible = db_session.scalars(visible_customers(select(Customer), principal)).all()

    assert len(visible) == expected
    if not principal.sees_all_customers:
        assert {customer.csm_owner for customer in visible} <= {principal.csm_owner}


def test_a_customer_outside_the_book_looks_like_it_does_not_exist(db_session: Session) -> None:
    book = add_book(db_session)
    theirs, unowned = book["Cobalt Retail"], book["Echo Bank"]
    csm = _principal(Role.CSM, "Dana Scully")

    assert authorize_customer(csm, book["Acme Analytics"]) is book["Acme Analytics"]
    assert authorize_customer(_principal(Role.VIEWER), theirs) is theirs
    for customer in (theirs, unowned):
        with pytest.raises(NotFound, match=f"customer {customer.id} does not exist"):
            authorize_customer(csm, customer)
