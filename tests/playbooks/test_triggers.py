"""Trigger events of each kind, and the run that enters, dedupes, limits and exits customers."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspersona.conversations.models import AuthorRole
from cspersona.customers.models import Customer
from cspersona.playbooks.models import Enrolment, Observation, Task, TaskStatus
from cspersona.playbooks.tasks import snooze
from cspersona.playbooks.triggers import observe, run_triggers
from cspersona.predict.models import ChurnScore, ExpansionScore
from tests.factories import (
    add_churn_score,
    add_conversation,
    add_customer,
    add_nps,
    add_persona,
    add_playbook,
    add_switch,
    add_usage_days,
    new_persona,
)

AT = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def entries(db_session: Session) -> list[tuple[str, str, str]]:
    """(company, reason, detail) of every entry, by company."""
    rows = db_session.execute(
        select(Customer.company_name, Enrolment.reason, Enrolment.detail)
        .join(Customer, Customer.id == Enrolment.customer_id)
        .order_by(Customer.company_name)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def task_count(db_session: Session) -> int:
    return db_session.scalar(select(func.count()).select_from(Task)) or 0


def test_a_tier_high_at_its_first_scoring_or_rising_to_high_enters_once(
    db_session: Session,
) -> None:
    rising = add_customer(db_session, "Acme")
    steady = add_customer(db_session, "Birch")
    rising_score = add_churn_score(db_session, rising, 0.2, risk_tier="elevated")
    add_churn_score(db_session, steady, 0.4, risk_tier="high")
    add_playbook(db_session, trigger={"kind": "risk_tier_rises", "to_tier": "high"})

    first = run_triggers(db_session, at=AT - timedelta(days=7))
    rising_score.risk_tier = "high"
    second = run_triggers(db_session, at=AT)

    assert first.entered == 1 and first.observations == 2
    assert second.entered == 1
    assert entries(db_session) == [
        ("Acme", "risk_tier_rises", "risk tier rose from elevated to high"),
        ("Birch", "risk_tier_rises", "risk tier is high the first time playbooks saw it"),
    ]


def test_a_rise_short_of_the_target_tier_does_not_enter(db_session: Session) -> None:
    customer = add_customer(db_session, "Acme")
    score = add_churn_score(db_session, customer, 0.1, risk_tier="normal")
    add_playbook(db_session, trigger={"kind": "risk_tier_rises", "to_tier": "high"})

    run_triggers(db_session, at=AT - timedelta(days=7))
    score.risk_tier = "elevated"
    report = run_triggers(db_session, at=AT)

    assert report.entered == 0


def test_an_nps_drop_of_enough_points_enters_with_both_scores_in_words(
    db_session: Session,
) -> None:
    dropped = add_customer(db_session, "Acme")
    dipped = add_customer(db_session, "Birch")
    for customer, before, after in ((dropped, 9, 4), (dipped, 9, 7)):
        add_nps(db_session, customer, before, answered_at=AT - timedelta(days=90))
        add_nps(db_session, customer, after, answered_at=AT - timedelta(days=3))
    add_playbook(db_session, trigger={"kind": "nps_drop", "points": 3})

    report = run_triggers(db_session, at=AT)

    assert report.entered == 1 and report.tasks_created == 2
    assert entries(db_session) == [("Acme", "nps_drop", "NPS fell from 9 to 4")]


def test_an_nps_drop_long_ago_is_history_not_a_trigger(db_session: Session) -> None:
    customer = add_customer(db_session, "Acme")
    add_nps(db_session, customer, 10, answered_at=AT - timedelta(days=200))
    add_nps(db_session, customer, 2, answered_at=AT - timedelta(days=120))
    add_playbook(db_session, trigger={"kind": "nps_drop", "points": 3})

    assert run_triggers(db_session, at=AT).entered == 0


def test_a_recent_persona_switch_enters_naming_both_personas(db_session: Session) -> None:
    switched = add_customer(db_session, "Acme")
    long_ago = add_customer(db_session, "Birch")
    old = add_persona(db_session, [switched, long_ago], name="Steady Sam")
    new = new_persona(db_session, "Frustrated Fiona")
    add_switch(db_session, switched, old, new, detected_at=AT - timedelta(days=2))
    add_switch(db_session, long_ago, old, new, detected_at=AT - timedelta(days=90))
    add_playbook(db_session, trigger={"kind": "persona_switch"})

    report = run_triggers(db_session, at=AT)

    assert report.entered == 1
    assert entries(db_session) == [
        ("Acme", "persona_switch", "persona switched from Steady Sam to Frustrated Fiona")
    ]


def test_a_renewal_within_the_window_enters_once_and_others_do_not(db_session: Session) -> None:
    add_customer(db_session, "Acme", renewal_date=AT.date() + timedelta(days=30))
    add_customer(db_session, "Birch", renewal_date=AT.date() + timedelta(days=100))
    add_customer(db_session, "Cobalt", renewal_date=AT.date() - timedelta(days=5))
    add_customer(db_session, "Delta")
    add_playbook(db_session, trigger={"kind": "renewal_within", "days": 60})

    first = run_triggers(db_session, at=AT)
    second = run_triggers(db_session, at=AT + timedelta(days=1))

    assert first.entered == 1
    assert entries(db_session) == [
        ("Acme", "renewal_within", "renewal on 2 July 2025, inside the 60-day window")
    ]
    # The same renewal the next day: nothing new, no second set of tasks.
    assert second.entered == second.updated == 0
    assert task_count(db_session) == 2


def test_an_expansion_marked_now_enters_and_one_to_wait_for_does_not(db_session: Session) -> None:
    now = add_customer(db_session, "Acme")
    later = add_customer(db_session, "Birch")
    for customer, when in ((now, "now"), (later, "wait")):
        db_session.add(
            ExpansionScore(
                customer_id=customer.id,
                likelihood=0.62,
                timing={"when": when, "reason": "promoter NPS answer"},
                model_version="expansion-test",
                scored_at=AT - timedelta(hours=2),
            )
        )
    db_session.flush()
    add_playbook(db_session, trigger={"kind": "expansion_now"})

    run_triggers(db_session, at=AT)

    assert entries(db_session) == [
        ("Acme", "expansion_now", "expansion marked now: promoter NPS answer")
    ]


def test_a_churn_signal_raised_after_being_calm_enters(db_session: Session) -> None:
    raised = add_customer(db_session, "Acme")
    calm = add_customer(db_session, "Birch")
    first_seen = add_customer(db_session, "Cobalt")
    for customer, values in (
        (raised, ("calm", "raised")),
        (calm, ("calm", "calm")),
        (first_seen, ("raised",)),
    ):
        for days, value in zip((20, 2), values, strict=False):
            db_session.add(
                Observation(
                    customer_id=customer.id,
                    key="signal:declining_usage",
                    value=value,
                    observed_at=AT - timedelta(days=days),
                )
            )
    db_session.flush()
    add_playbook(db_session, trigger={"kind": "churn_signal"})

    run_triggers(db_session, at=AT)

    assert entries(db_session) == [("Acme", "churn_signal", "churn signal: usage is declining")]


def test_a_manual_playbook_never_enters_anyone_by_itself(db_session: Session) -> None:
    customer = add_customer(db_session, "Acme", renewal_date=AT.date() + timedelta(days=10))
    add_nps(db_session, customer, 10, answered_at=AT - timedelta(days=9))
    add_nps(db_session, customer, 0, answered_at=AT - timedelta(days=1))
    add_playbook(db_session, trigger={"kind": "manual"})

    assert run_triggers(db_session, at=AT).entered == 0
    assert entries(db_session) == []


def test_persona_and_entry_criteria_decide_who_of_the_triggered_enters(
    db_session: Session,
) -> None:
    big = add_customer(db_session, "Acme", arr=50_000.0)
    small = add_customer(db_session, "Birch", arr=5_000.0)
    other = add_customer(db_session, "Cobalt", arr=80_000.0)
    persona = add_persona(db_session, [big, small], name="Steady Sam")
    add_persona(db_session, [other], name="Frustrated Fiona")
    for customer in (big, small, other):
        add_nps(db_session, customer, 9, answered_at=AT - timedelta(days=40))
        add_nps(db_session, customer, 3, answered_at=AT - timedelta(days=1))
    add_playbook(
        db_session,
        trigger={"kind": "nps_drop", "points": 3},
        persona_ids=[persona.id],
        criteria={"entry": [{"field": "arr", "op": "ge", "value": 20000}]},
    )

    run_triggers(db_session, at=AT)

    assert [company for company, _, _ in entries(db_session)] == ["Acme"]


def test_an_exit_criterion_ends_the_entry_and_skips_its_open_tasks(db_session: Session) -> None:
    customer = add_customer(db_session, "Acme", renewal_date=AT.date() + timedelta(days=20))
    score = add_churn_score(db_session, customer, 0.5, risk_tier="high")
    add_playbook(
        db_session,
        trigger={"kind": "renewal_within", "days": 60},
        criteria={"exit": [{"field": "risk_tier", "op": "eq", "value": "normal"}]},
    )
    run_triggers(db_session, at=AT)
    score.risk_tier = "normal"

    report = run_triggers(db_session, at=AT + timedelta(days=1))

    enrolment = db_session.scalars(select(Enrolment)).one()
    assert report.exited == 1
    assert enrolment.exit_reason == "exit criterion met: the churn-risk tier is normal"
    assert {task.status for task in enrolment.tasks} == {TaskStatus.SKIPPED}


def test_a_new_event_after_exit_is_stopped_by_the_reentry_limit(db_session: Session) -> None:
    customer = add_customer(db_session, "Acme")
    add_nps(db_session, customer, 9, answered_at=AT - timedelta(days=60))
    add_nps(db_session, customer, 4, answered_at=AT - timedelta(days=2))
    add_playbook(
        db_session, trigger={"kind": "nps_drop", "points": 3}, reentry={"times": 1, "days": 90}
    )
    run_triggers(db_session, at=AT)
    enrolment = db_session.scalars(select(Enrolment)).one()
    enrolment.exited_at = AT + timedelta(days=5)
    add_nps(db_session, customer, 9, answered_at=AT + timedelta(days=10))
    add_nps(db_session, customer, 2, answered_at=AT + timedelta(days=20))

    report = run_triggers(db_session, at=AT + timedelta(days=21))

    assert report.limited == 1 and report.entered == 0
    assert task_count(db_session) == 2


def test_a_new_event_while_in_the_playbook_updates_the_entry_without_new_tasks(
    db_session: Session,
) -> None:
    customer = add_customer(db_session, "Acme")
    add_nps(db_session, customer, 9, answered_at=AT - timedelta(days=20))
    add_nps(db_session, customer, 5, answered_at=AT - timedelta(days=2))
    add_playbook(db_session, trigger={"kind": "nps_drop", "points": 3})
    run_triggers(db_session, at=AT)
    add_nps(db_session, customer, 1, answered_at=AT + timedelta(days=3))

    again = run_triggers(db_session, at=AT + timedelta(days=3))
    same = run_triggers(db_session, at=AT + timedelta(days=4))

    enrolment = db_session.scalars(select(Enrolment)).one()
    assert again.updated == 1 and same.updated == 0
    assert enrolment.trigger_count == 2 and enrolment.detail == "NPS fell from 5 to 1"
    assert task_count(db_session) == 2


def test_snoozed_tasks_whose_day_came_are_reopened(db_session: Session) -> None:
    add_customer(db_session, "Acme", renewal_date=AT.date() + timedelta(days=20))
    add_playbook(db_session, trigger={"kind": "renewal_within", "days": 60})
    run_triggers(db_session, at=AT)
    task = db_session.scalars(select(Task).order_by(Task.id)).first()
    assert task is not None
    snooze(db_session, task=task, until=date(2025, 6, 5), today=AT.date())

    report = run_triggers(db_session, at=AT + timedelta(days=3))

    assert report.tasks_woken == 1 and task.status is TaskStatus.OPEN


def test_only_changed_values_are_observed(db_session: Session) -> None:
    customer = add_customer(db_session, "Acme")
    score = add_churn_score(db_session, customer, 0.2, risk_tier="normal")

    run_triggers(db_session, at=AT)
    run_triggers(db_session, at=AT + timedelta(days=1))
    score.risk_tier = "high"
    run_triggers(db_session, at=AT + timedelta(days=2))

    values = db_session.scalars(select(Observation.value).order_by(Observation.observed_at)).all()
    assert values == ["normal", "high"]
    assert db_session.scalar(select(func.count()).select_from(ChurnScore)) == 1


def test_churn_signals_are_observed_for_scored_customers_when_asked(db_session: Session) -> None:
    customer = add_customer(db_session, "Acme")
    add_churn_score(db_session, customer, 0.3, risk_tier="elevated")
    add_usage_days(
        db_session,
        customer,
        first_day=AT.date() - timedelta(days=180),
        events=[100] * 150 + [20] * 30,
    )
    add_conversation(
        db_session,
        customer,
        [(AuthorRole.CUSTOMER, "How do I export a report?", 0.1), (AuthorRole.AGENT, "So.", 0.2)],
        started_at=AT - timedelta(days=100),
        closed_at=AT - timedelta(days=99),
    )

    observe(db_session, at=AT, with_signals=True)

    seen = dict(db_session.execute(select(Observation.key, Observation.value)).all())
    assert seen["risk_tier"] == "elevated"
    assert seen["signal:declining_usage"] == "raised"
    assert seen["signal:nps_drop"] == "calm"
