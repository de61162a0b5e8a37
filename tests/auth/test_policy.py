import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.auth.models import Role
from cspersona.auth.policy import (
    Permission,
    Principal,
    authorize_customer,
    authorize_job,
    require,
    visible_customers,
)
from cspersona.customers.models import Customer
from cspersona.exceptions import Forbidden, NotFound
from cspersona.jobs.models import Job
from tests.factories import add_book


def _principal(role: Role, csm_owner: str | None = None, user_id: int = 1) -> Principal:
    return Principal(user_id=user_id, user_name="u", role=role, csm_owner=csm_owner, key_id=1)


@pytest.mark.parametrize(
    ("role", "granted"),
    [
        (Role.ADMIN, set(Permission)),
        (Role.ANALYST, {Permission.READ, Permission.RUN_JOBS, Permission.GIVE_FEEDBACK}),
        (Role.CSM, {Permission.READ, Permission.GIVE_FEEDBACK}),
        (Role.VIEWER, {Permission.READ}),
    ],
)
def test_what_each_role_may_do(role: Role, granted: set[Permission]) -> None:
    principal = _principal(role, "Dana Scully" if role is Role.CSM else None)

    assert {permission for permission in Permission if principal.can(permission)} == granted
    for permission in set(Permission) - granted:
        with pytest.raises(Forbidden, match=f"role {role} may not"):
            require(principal, permission)


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


def test_a_csm_sees_only_the_jobs_they_started() -> None:
    own, other = Job(id=1, created_by_id=7), Job(id=2, created_by_id=8)

    assert authorize_job(_principal(Role.CSM, "X", user_id=7), own) is own
    assert authorize_job(_principal(Role.VIEWER, user_id=7), other) is other
    with pytest.raises(NotFound, match="job 2 does not exist"):
        authorize_job(_principal(Role.CSM, "X", user_id=7), other)
