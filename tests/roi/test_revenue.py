"""ARR over time from the ARR now and the lifecycle events that changed it."""

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.customers.models import Customer, LifecycleEvent, LifecycleKind
from cspersona.roi.revenue import ArrHistory
from tests.factories import add_customer


def _event(
    db_session: Session, customer: Customer, kind: LifecycleKind, day: date, amount: float
) -> None:
    db_session.add(
        LifecycleEvent(
            customer_id=customer.id,
            kind=kind,
            at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
            amount=amount,
        )
    )
    db_session.flush()


def test_arr_on_a_day_undoes_the_changes_after_it(db_session: Session) -> None:
    grower = add_customer(db_session, "Grower", arr=15_000.0, contract_start=date(2024, 1, 1))
    _event(db_session, grower, LifecycleKind.RENEWED, date(2025, 1, 1), 12_000)
    _event(db_session, grower, LifecycleKind.EXPANDED, date(2025, 3, 1), 5_000)
    _event(db_session, grower, LifecycleKind.CONTRACTED, date(2025, 6, 1), -2_000)
    history = ArrHistory(db_session, customers=select(Customer.id))

    assert history.on(date(2025, 2, 1))[grower.id] == 12_000
    assert history.on(date(2025, 4, 1))[grower.id] == 17_000
    assert history.on(date(2025, 7, 1))[grower.id] == 15_000


def test_a_churned_customer_held_what_it_lost_until_it_left_and_nothing_after(
    db_session: Session,
) -> None:
    leaver = add_customer(db_session, "Leaver", arr=9_000.0, contract_start=date(2024, 1, 1))
    _event(db_session, leaver, LifecycleKind.EXPANDED, date(2025, 2, 1), 1_000)
    _event(db_session, leaver, LifecycleKind.CHURNED, date(2025, 5, 1), -10_000)
    late = add_customer(db_session, "Late", arr=4_000.0, contract_start=date(2025, 6, 1))
    history = ArrHistory(db_session, customers=select(Customer.id))

    assert history.on(date(2025, 1, 1)) == {leaver.id: 9_000, late.id: 0.0}
    assert history.on(date(2025, 3, 1))[leaver.id] == 10_000
    assert history.on(date(2025, 6, 2)) == {leaver.id: 0.0, late.id: 4_000}


def test_movements_add_up_churn_contraction_and_expansion_in_the_range(
    db_session: Session,
) -> None:
    first = add_customer(db_session, "First", arr=8_000.0)
    second = add_customer(db_session, "Second", arr=20_000.0)
    _event(db_session, first, LifecycleKind.DOWNGRADED, date(2025, 7, 5), -1_500)
    _event(db_session, first, LifecycleKind.CHURNED, date(2025, 8, 5), -6_500)
    _event(db_session, second, LifecycleKind.EXPANDED, date(2025, 9, 5), 4_000)
    _event(db_session, second, LifecycleKind.EXPANDED, date(2025, 10, 5), 9_000)
    history = ArrHistory(db_session, customers=select(Customer.id))

    moved = history.movements(date(2025, 7, 1), date(2025, 10, 1))
    assert (moved.churned, moved.contracted, moved.expanded) == (6_500, 1_500, 4_000)
    only_second = history.movements(date(2025, 7, 1), date(2025, 10, 1), customers={second.id})
    assert (only_second.churned, only_second.expanded) == (0, 4_000)
