"""Success metrics month by month: each metric on crafted data, None over nobody, 24 months."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from cspersona.customers.models import Customer, LifecycleEvent, LifecycleKind
from cspersona.playbooks.models import Arm, Enrolment, Observation, Playbook
from cspersona.playbooks.tracking import ArmValue, MetricSeries, tracked
from tests.factories import add_customer, add_nps, add_playbook, add_usage_days

AT = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)


def _playbook(db_session: Session, metric: str, window_days: int = 365) -> Playbook:
    success = [{"metric": metric, "target": 0.1, "window_days": window_days}]
    return add_playbook(db_session, f"Track {metric}", success=success, control_share=0.5)


def _entered(
    db_session: Session, playbook: Playbook, name: str, arm: Arm, at: datetime
) -> Customer:
    customer = add_customer(db_session, name)
    db_session.add(
        Enrolment(
            playbook_id=playbook.id,
            customer_id=customer.id,
            arm=arm,
            assignment_draw=0.0 if arm is Arm.HELD_BACK else 0.9,
            reason="manual",
            entered_at=at,
            last_triggered_at=at,
        )
    )
    db_session.flush()
    return customer


def _event(db_session: Session, customer: Customer, kind: LifecycleKind, at: datetime) -> None:
    db_session.add(LifecycleEvent(customer_id=customer.id, kind=kind, at=at))
    db_session.flush()


def _only(series: list[MetricSeries]) -> dict[date, tuple[ArmValue, ArmValue]]:
    assert len(series) == 1
    return {point.month: (point.treated, point.held_back) for point in series[0].points}


def _day(month: int, day: int) -> datetime:
    return datetime(2025, month, day, 10, 0, tzinfo=UTC)


def test_churn_rate_counts_those_in_the_playbook_as_the_month_began(db_session: Session) -> None:
    playbook = _playbook(db_session, "churn_rate")
    churns_in_april = _entered(db_session, playbook, "A", Arm.TREATED, _day(3, 10))
    _entered(db_session, playbook, "B", Arm.TREATED, _day(3, 10))
    churns_in_entry_month = _entered(db_session, playbook, "C", Arm.TREATED, _day(3, 20))
    _entered(db_session, playbook, "D", Arm.HELD_BACK, _day(3, 10))
    _event(db_session, churns_in_april, LifecycleKind.CHURNED, _day(4, 20))
    _event(db_session, churns_in_entry_month, LifecycleKind.CHURNED, _day(3, 25))

    series = tracked(db_session, playbook=playbook, at=AT)
    months = _only(series)

    assert list(months) == [date(2025, month, 1) for month in (3, 4, 5, 6)]
    assert months[date(2025, 3, 1)] == (ArmValue(None, 0), ArmValue(None, 0))
    assert months[date(2025, 4, 1)] == (ArmValue(0.5, 2), ArmValue(0.0, 1))
    # A churned in April and C in March: only B is left to churn.
    assert months[date(2025, 5, 1)] == (ArmValue(0.0, 1), ArmValue(0.0, 1))
    assert series[0].is_rate and series[0].target == 0.1 and series[0].window_days == 365
    # 10% within 365 days is the same pace as about 0.87% in an average month.
    assert series[0].monthly_target == pytest.approx(1 - 0.9 ** (365.25 / 12 / 365))


def test_a_customer_leaves_the_counts_once_their_success_window_ends(db_session: Session) -> None:
    playbook = _playbook(db_session, "churn_rate", window_days=45)
    _entered(db_session, playbook, "A", Arm.TREATED, _day(3, 10))  # window ends 24 April

    months = _only(tracked(db_session, playbook=playbook, at=AT))

    assert months[date(2025, 4, 1)][0] == ArmValue(0.0, 1)
    assert months[date(2025, 5, 1)][0] == ArmValue(None, 0)


def test_renewal_and_expansion_rates_count_customers_with_the_event_in_the_month(
    db_session: Session,
) -> None:
    renewal = _playbook(db_session, "renewal_rate")
    expansion = _playbook(db_session, "expansion_rate")
    renews_twice = _entered(db_session, renewal, "A", Arm.TREATED, _day(1, 5))
    _entered(db_session, renewal, "B", Arm.TREATED, _day(1, 5))
    _entered(db_session, renewal, "C", Arm.TREATED, _day(1, 5))
    _entered(db_session, renewal, "D", Arm.TREATED, _day(1, 5))
    _event(db_session, renews_twice, LifecycleKind.RENEWED, _day(2, 3))
    _event(db_session, renews_twice, LifecycleKind.RENEWED, _day(2, 25))
    _event(db_session, renews_twice, LifecycleKind.EXPANDED, _day(2, 25))  # not in expansion
    expands = _entered(db_session, expansion, "E", Arm.HELD_BACK, _day(1, 5))
    _event(db_session, expands, LifecycleKind.EXPANDED, _day(3, 1))

    renewals = _only(tracked(db_session, playbook=renewal, at=AT))
    expansions = _only(tracked(db_session, playbook=expansion, at=AT))

    assert renewals[date(2025, 2, 1)][0] == ArmValue(0.25, 4)
    assert renewals[date(2025, 3, 1)][0] == ArmValue(0.0, 4)
    assert expansions[date(2025, 2, 1)][1] == ArmValue(0.0, 1)
    assert expansions[date(2025, 3, 1)] == (ArmValue(None, 0), ArmValue(1.0, 1))


def test_the_high_risk_share_reads_each_customers_last_tier_at_the_months_end(
    db_session: Session,
) -> None:
    playbook = _playbook(db_session, "risk_tier_high_share")
    watched = _entered(db_session, playbook, "A", Arm.TREATED, _day(2, 20))
    _entered(db_session, playbook, "B", Arm.TREATED, _day(2, 20))  # never observed
    for value, seen_at in [("elevated", _day(1, 5)), ("high", _day(3, 10)), ("normal", _day(5, 2))]:
        db_session.add(
            Observation(customer_id=watched.id, key="risk_tier", value=value, observed_at=seen_at)
        )
    db_session.flush()

    months = _only(tracked(db_session, playbook=playbook, at=AT))

    assert months[date(2025, 2, 1)][0] == ArmValue(None, 0)
    assert months[date(2025, 3, 1)][0] == ArmValue(1.0, 1)
    assert months[date(2025, 4, 1)][0] == ArmValue(1.0, 1)
    assert months[date(2025, 5, 1)][0] == ArmValue(0.0, 1)
    assert months[date(2025, 6, 1)][1] == ArmValue(None, 0)


def test_nps_is_the_mean_answer_in_the_month(db_session: Session) -> None:
    playbook = _playbook(db_session, "nps")
    first = _entered(db_session, playbook, "A", Arm.TREATED, _day(1, 15))
    second = _entered(db_session, playbook, "B", Arm.TREATED, _day(1, 15))
    held_back = _entered(db_session, playbook, "C", Arm.HELD_BACK, _day(1, 15))
    add_nps(db_session, first, 10, 6, answered_at=_day(2, 10))
    add_nps(db_session, second, 2, answered_at=_day(2, 11))
    add_nps(db_session, held_back, 9, answered_at=_day(2, 12))
    add_nps(db_session, held_back, 0, answered_at=_day(1, 20))  # in the month of entry

    months = _only(tracked(db_session, playbook=playbook, at=AT))

    assert months[date(2025, 1, 1)] == (ArmValue(None, 0), ArmValue(None, 0))
    assert months[date(2025, 2, 1)] == (ArmValue(6.0, 2), ArmValue(9.0, 1))
    assert months[date(2025, 3, 1)] == (ArmValue(None, 0), ArmValue(None, 0))


def test_active_users_is_the_mean_of_each_customers_daily_mean(db_session: Session) -> None:
    playbook = _playbook(db_session, "active_users")
    steady = _entered(db_session, playbook, "A", Arm.TREATED, _day(1, 15))
    busy = _entered(db_session, playbook, "B", Arm.TREATED, _day(1, 15))
    # The factory's active users are a tenth of the events: 2, 4, 6 (mean 4) and 10.
    add_usage_days(db_session, steady, first_day=date(2025, 1, 31), events=[99, 20, 40, 60])
    add_usage_days(db_session, busy, first_day=date(2025, 2, 10), events=[100])
    add_usage_days(db_session, busy, first_day=date(2025, 6, 15), events=[50])
    add_usage_days(db_session, busy, first_day=date(2025, 6, 16), events=[900])  # after ``at``

    months = _only(tracked(db_session, playbook=playbook, at=AT))

    assert months[date(2025, 2, 1)][0] == ArmValue(7.0, 2)
    assert months[date(2025, 6, 1)][0] == ArmValue(5.0, 1)
    assert months[date(2025, 2, 1)][1] == ArmValue(None, 0)


def test_series_cover_at_most_24_months_and_one_per_criterion(db_session: Session) -> None:
    success = [
        {"metric": "churn_rate", "target": 0.1, "window_days": 730},
        {"metric": "nps", "target": 40, "window_days": 90},
    ]
    playbook = add_playbook(db_session, "Long running", success=success)
    _entered(db_session, playbook, "A", Arm.TREATED, datetime(2022, 1, 10, tzinfo=UTC))

    series = tracked(db_session, playbook=playbook, at=AT)

    assert [item.metric for item in series] == ["churn_rate", "nps"]
    assert [item.is_rate for item in series] == [True, False]
    assert series[1].monthly_target == 40, "a level, not a rate over the window, is not scaled"
    months = [point.month for point in series[0].points]
    assert len(months) == 24
    assert (months[0], months[-1]) == (date(2023, 7, 1), date(2025, 6, 1))


def test_a_playbook_nobody_entered_has_empty_series(db_session: Session) -> None:
    playbook = _playbook(db_session, "churn_rate")
    later = _entered(db_session, playbook, "A", Arm.TREATED, datetime(2025, 7, 1, tzinfo=UTC))
    _event(db_session, later, LifecycleKind.CHURNED, _day(5, 1))

    series = tracked(db_session, playbook=playbook, at=AT)

    assert [(item.metric, item.points) for item in series] == [("churn_rate", [])]
    assert tracked(db_session, playbook=add_playbook(db_session, "No criteria"), at=AT) == []
