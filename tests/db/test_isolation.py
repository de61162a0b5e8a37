"""The test infrastructure itself: a test's writes vanish afterwards, even committed ones."""

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from cspersona.customers.models import Customer
from tests.conftest import rolled_back_session

MARKER = "isolation-probe-company"


def _count_markers(session: Session) -> int:
    return session.scalar(select(func.count()).where(Customer.company_name == MARKER)) or 0


def test_committed_writes_are_rolled_back_after_each_test(migrated_engine: Engine) -> None:
    for _test in range(2):
        with rolled_back_session(migrated_engine) as session:
            assert _count_markers(session) == 0
            session.add(Customer(company_name=MARKER))
            session.commit()
            assert _count_markers(session) == 1
