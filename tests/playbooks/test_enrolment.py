"""Entering customers: one open entry per customer, re-entry limits, arms and tasks."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.auth.models import Role, User
from cspersona.playbooks.enrolment import EntryResult, enter, leave
from cspersona.playbooks.models import Arm, Enrolment, Task, TaskStatus
from tests.factories import add_customer, add_playbook

AT = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def test_a_treated_customer_gets_one_task_per_step_due_relative_to_entry(
    db_session: Session,
) -> None:
    customer = add_customer(db_session, "Acme", csm_owner="Dana Scully")
    playbook = add_playbook(db_session)

    entry = enter(
        db_session, playbook=playbook, customer=customer, reason="manual", detail="", at=AT
    )

    assert entry.result is EntryResult.ENTERED
    tasks = db_session.scalars(select(Task).order_by(Task.step_index)).all()
    assert [(t.title, t.kind, t.due_on, t.status) for t in tasks] == [
        ("Write to the sponsor", "email", date(2025, 3, 3), TaskStatus.OPEN),
        ("Call the sponsor", "call", date(2025, 3, 10), TaskStatus.OPEN),
    ]
    assert {t.owner for t in tasks} == {"Dana Scully"}


def test_a_second_trigger_updates_the_open_entry_instead_of_duplicating_tasks(
    db_session: Session,
) -> None:
    customer = add_customer(db_session, "Acme")
    playbook = add_playbook(db_session)
    enter(db_session, playbook=playbook, customer=customer, reason="nps_drop", detail="9→5", at=AT)

    again = enter(
        db_session,
        playbook=playbook,
        customer=customer,
        reason="nps_drop",
        detail="5→3",
        at=AT + timedelta(days=2),
    )

    assert again.result is EntryResult.UPDATED
    assert again.enrolment is not None
    assert (again.enrolment.trigger_count, again.enrolment.detail) == (2, "5→3")
    assert len(db_session.scalars(select(Task)).all()) == 2


def test_re_entry_is_limited_to_so_many_times_in_so_many_days(db_session: Session) -> None:
    customer = add_customer(db_session, "Acme")
    playbook = add_playbook(db_session, reentry={"times": 1, "days": 30})
    first = enter(
        db_session, playbook=playbook, customer=customer, reason="manual", detail="", at=AT
    )
    assert first.enrolment is not None
    leave(db_session, enrolment=first.enrolment, reason="risk fell", at=AT + timedelta(days=1))

    too_soon = enter(
        db_session,
        playbook=playbook,
        customer=customer,
        reason="manual",
        detail="",
        at=AT + timedelta(days=10),
    )
    later = enter(
        db_session,
        playbook=playbook,
        customer=customer,
        reason="manual",
        detail="",
        at=AT + timedelta(days=31),
    )

    assert too_soon.result is EntryResult.LIMITED
    assert later.result is EntryResult.ENTERED


def test_leaving_skips_the_open_tasks_with_the_reason(db_session: Session) -> None:
    customer = add_customer(db_session, "Acme")
    entry = enter(
        db_session,
        playbook=add_playbook(db_session),
        customer=customer,
        reason="manual",
        detail="",
        at=AT,
    )
    assert entry.enrolment is not None

    skipped = leave(db_session, enrolment=entry.enrolment, reason="risk fell to low", at=AT)

    assert skipped == 2
    notes = {t.outcome_note for t in entry.enrolment.tasks}
    assert notes == {"Closed automatically: risk fell to low"}


def test_held_back_customers_are_recorded_without_tasks_and_the_share_holds(
    db_session: Session,
) -> None:
    playbook = add_playbook(db_session, control_share=0.3)
    customers = [add_customer(db_session, f"Customer {n}") for n in range(300)]

    results = [
        enter(db_session, playbook=playbook, customer=c, reason="manual", detail="", at=AT).result
        for c in customers
    ]

    held_back = results.count(EntryResult.HELD_BACK)
    assert 60 <= held_back <= 120  # 30% of 300 is 90; the draw is uniform, not exact
    arms = db_session.scalars(select(Enrolment.arm)).all()
    assert arms.count(Arm.HELD_BACK) == held_back
    tasks = db_session.scalars(select(Task)).all()
    assert len(tasks) == 2 * (300 - held_back)


def test_role_owned_steps_go_to_the_least_loaded_user_in_turn(db_session: Session) -> None:
    db_session.add_all([User(name="ana", role=Role.ANALYST), User(name="ben", role=Role.ANALYST)])
    playbook = add_playbook(
        db_session,
        steps=[{"title": "Review the account", "kind": "internal_task", "owner": "role:analyst"}],
    )
    customers = [add_customer(db_session, f"Customer {n}") for n in range(4)]

    for customer in customers:
        enter(db_session, playbook=playbook, customer=customer, reason="manual", detail="", at=AT)

    owners = [t.owner for t in db_session.scalars(select(Task).order_by(Task.id))]
    assert owners == ["ana", "ben", "ana", "ben"]
