"""Outcomes per intervention and window: churn, renewal, ARR, NPS, sentiment and usage."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.conversations.models import AuthorRole
from cspersona.customers.models import Customer, LifecycleEvent, LifecycleKind
from cspersona.interventions import service
from cspersona.interventions.models import Intervention, InterventionKind, InterventionSource
from cspersona.roi.models import InterventionOutcome
from cspersona.roi.outcomes import refresh_outcomes
from tests.factories import add_conversation, add_customer, add_nps, add_usage_days

AT = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def _call(db_session: Session, customer: Customer, **fields: object) -> Intervention:
    return service.record(
        db_session,
        customer_id=customer.id,
        kind=InterventionKind.CALL,
        source=InterventionSource.API,
        performed_by="Dana Scully",
        performed_at=AT,
        **fields,  # type: ignore[arg-type]
    )


def _event(
    db_session: Session, customer: Customer, kind: LifecycleKind, days: int, amount: float
) -> None:
    db_session.add(
        LifecycleEvent(
            customer_id=customer.id, kind=kind, at=AT + timedelta(days=days), amount=amount
        )
    )
    db_session.flush()


def _outcomes(db_session: Session, entry: Intervention) -> dict[int, InterventionOutcome]:
    rows = db_session.scalars(
        select(InterventionOutcome).where(InterventionOutcome.intervention_id == entry.id)
    )
    return {row.window_days: row for row in rows}


def test_an_expansion_in_the_window_and_opinion_and_usage_before_and_after(
    db_session: Session,
) -> None:
    customer = add_customer(db_session, "Acme", arr=12_000.0, contract_start=date(2024, 1, 1))
    entry = _call(db_session, customer)
    _event(db_session, customer, LifecycleKind.EXPANDED, 45, 2_000.0)
    add_nps(db_session, customer, 4, 6, answered_at=AT - timedelta(days=20))
    add_nps(db_session, customer, 9, answered_at=AT + timedelta(days=10))
    add_conversation(
        db_session,
        customer,
        [(AuthorRole.CUSTOMER, "Still broken", -0.6), (AuthorRole.AGENT, "On it", 0.4)],
        started_at=AT - timedelta(days=5),
    )
    add_conversation(
        db_session,
        customer,
        [(AuthorRole.CUSTOMER, "Works now, thanks", 0.8)],
        started_at=AT + timedelta(days=3),
    )
    # 10 active users a day for the 30 days before, 20 a day from the action's day on.
    add_usage_days(
        db_session, customer, first_day=AT.date() - timedelta(days=30), events=[100] * 30
    )
    add_usage_days(db_session, customer, first_day=AT.date(), events=[200] * 120)

    counts = refresh_outcomes(db_session, today=AT.date() + timedelta(days=119))

    assert (counts.computed, counts.complete) == (3, 3)
    by_window = _outcomes(db_session, entry)
    assert [by_window[w].window_end for w in (30, 60, 90)] == [
        date(2025, 4, 2),
        date(2025, 5, 2),
        date(2025, 6, 1),
    ]
    thirty, sixty = by_window[30], by_window[60]
    assert (thirty.arr_start, thirty.arr_end) == (10_000.0, 10_000.0)
    assert (sixty.arr_start, sixty.arr_end) == (10_000.0, 12_000.0)
    assert not thirty.churned and not thirty.renewed
    assert (thirty.nps_before, thirty.nps_after) == (5.0, 9.0)
    assert (thirty.sentiment_before, thirty.sentiment_after) == (-0.6, 0.8)
    assert (thirty.usage_before, thirty.usage_after) == (10.0, 20.0)


def test_a_churn_in_the_window_ends_its_arr_at_zero_and_a_renewal_counts(
    db_session: Session,
) -> None:
    churner = add_customer(db_session, "Gone", arr=0.0)
    renewer = add_customer(db_session, "Stays", arr=8_000.0)
    gone, stays = _call(db_session, churner), _call(db_session, renewer)
    _event(db_session, churner, LifecycleKind.CHURNED, 40, -5_000.0)
    _event(db_session, renewer, LifecycleKind.RENEWED, 20, 8_000.0)

    refresh_outcomes(db_session, today=AT.date() + timedelta(days=200))

    churned = _outcomes(db_session, gone)
    assert [churned[w].churned for w in (30, 60, 90)] == [False, True, True]
    assert (churned[30].arr_start, churned[30].arr_end, churned[60].arr_end) == (
        5_000.0,
        5_000.0,
        0.0,
    )
    assert all(row.renewed for row in _outcomes(db_session, stays).values())


def test_an_incomplete_window_is_recomputed_when_data_arrives_and_complete_ones_are_final(
    db_session: Session,
) -> None:
    customer = add_customer(db_session, "Acme", arr=10_000.0)
    entry = _call(db_session, customer)
    latest = AT.date() + timedelta(days=40)

    first = refresh_outcomes(db_session, today=latest)

    assert (first.computed, first.complete) == (3, 1)
    assert [row.complete for row in _outcomes(db_session, entry).values()] == [True, False, False]
    assert not _outcomes(db_session, entry)[60].churned

    _event(db_session, customer, LifecycleKind.CHURNED, 50, -10_000.0)
    second = refresh_outcomes(db_session, today=AT.date() + timedelta(days=70))

    assert (second.computed, second.complete) == (2, 1)
    rows = _outcomes(db_session, entry)
    assert (rows[30].churned, rows[60].churned, rows[60].complete) == (False, True, True)
    assert (rows[90].churned, rows[90].complete, rows[90].arr_end) == (True, False, 0.0)
    assert refresh_outcomes(db_session, today=AT.date() + timedelta(days=70)).complete == 0


def test_a_corrected_entry_has_no_outcomes_of_its_own_but_its_correction_does(
    db_session: Session,
) -> None:
    customer = add_customer(db_session, "Acme", arr=10_000.0)
    wrong = _call(db_session, customer)
    right = _call(db_session, customer, corrects=wrong, note="It was a meeting")

    refresh_outcomes(db_session, today=AT.date() + timedelta(days=10))

    assert _outcomes(db_session, wrong) == {}
    assert set(_outcomes(db_session, right)) == {30, 60, 90}


def test_a_database_without_data_computes_nothing(db_session: Session) -> None:
    entry = _call(db_session, add_customer(db_session, "Acme"))

    assert refresh_outcomes(db_session, today=None).computed == 0
    assert _outcomes(db_session, entry) == {}
