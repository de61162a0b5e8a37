"""The cost of logged interventions: hours logged or typical for the kind, at the loaded rate."""

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.customers.models import Customer
from cspersona.interventions import service
from cspersona.interventions.models import InterventionKind, InterventionSource
from cspersona.roi.costs import period_cost
from cspersona.roi.period import parse_period
from tests.factories import add_customer


def _log(
    db_session: Session,
    customer: Customer,
    kind: InterventionKind,
    at: datetime,
    hours: float | None = None,
) -> None:
    service.record(
        db_session,
        customer_id=customer.id,
        kind=kind,
        source=InterventionSource.CLI,
        performed_by="Dana Scully",
        performed_at=at,
        hours=hours,
    )


def test_logged_hours_win_over_the_kinds_typical_time_and_only_the_period_counts(
    db_session: Session,
) -> None:
    acme = add_customer(db_session, "Acme", csm_owner="Dana Scully")
    _log(db_session, acme, InterventionKind.MEETING, datetime(2025, 7, 3, tzinfo=UTC))  # 1 h
    _log(db_session, acme, InterventionKind.CALL, datetime(2025, 8, 3, tzinfo=UTC), hours=2.0)
    _log(db_session, acme, InterventionKind.ENTERED, datetime(2025, 8, 4, tzinfo=UTC))  # 0 h
    _log(
        db_session, acme, InterventionKind.TRAINING, datetime(2025, 10, 1, tzinfo=UTC)
    )  # next quarter

    cost = period_cost(
        db_session,
        period=parse_period("2025-Q3"),
        customers=select(Customer.id),
        hourly_rate=100.0,
        tool_cost_per_month=500.0,
    )

    assert (cost.csm_hours, cost.tool_cost, cost.total) == (3.0, 1_500.0, 1_800.0)


def test_a_corrected_entry_is_costed_once_as_corrected(db_session: Session) -> None:
    acme = add_customer(db_session, "Acme")
    wrong = service.record(
        db_session,
        customer_id=acme.id,
        kind=InterventionKind.TRAINING,
        source=InterventionSource.CLI,
        performed_by="Dana Scully",
        performed_at=datetime(2025, 7, 3, tzinfo=UTC),
    )
    service.record(
        db_session,
        customer_id=acme.id,
        kind=InterventionKind.CALL,
        source=InterventionSource.CLI,
        performed_by="Dana Scully",
        performed_at=datetime(2025, 7, 3, tzinfo=UTC),
        corrects=wrong,
    )

    cost = period_cost(
        db_session,
        period=parse_period("2025-07"),
        customers=select(Customer.id),
        hourly_rate=80.0,
        tool_cost_per_month=0.0,
    )

    assert cost.csm_hours == 0.5
