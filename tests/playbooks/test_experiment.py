"""Treated against held-back customers, power and sample sizes, and what to test next."""

import math
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.customers.models import LifecycleEvent, LifecycleKind
from cspersona.playbooks.enrolment import enter
from cspersona.playbooks.experiment import book_churn_rate, experiment
from cspersona.playbooks.models import Arm, Enrolment, Task, TaskStatus
from cspersona.playbooks.power import needed_per_arm
from tests.factories import add_customer, add_playbook

AT = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
CHURN_WINDOW = [{"metric": "churn_rate", "target": 0.05, "window_days": 90}]


def _entered(db_session: Session, name: str, arm: Arm, at: datetime, playbook_id: int) -> int:
    customer = add_customer(db_session, name, csm_owner="Dana Scully")
    db_session.add(
        Enrolment(
            playbook_id=playbook_id,
            customer_id=customer.id,
            arm=arm,
            assignment_draw=0.0 if arm is Arm.HELD_BACK else 0.9,
            reason="manual",
            entered_at=at,
            last_triggered_at=at,
        )
    )
    db_session.flush()
    return customer.id


def _churn(db_session: Session, customer_id: int, at: datetime) -> None:
    db_session.add(LifecycleEvent(customer_id=customer_id, kind=LifecycleKind.CHURNED, at=at))
    db_session.flush()


def test_arms_count_churn_only_within_the_window_and_only_once_it_closed(
    db_session: Session,
) -> None:
    playbook = add_playbook(db_session, control_share=0.5, success=CHURN_WINDOW)
    old = AT - timedelta(days=120)
    recent = AT - timedelta(days=10)
    churned_in_window = _entered(db_session, "A", Arm.TREATED, old, playbook.id)
    _churn(db_session, churned_in_window, old + timedelta(days=30))
    churned_after_window = _entered(db_session, "B", Arm.TREATED, old, playbook.id)
    _churn(db_session, churned_after_window, old + timedelta(days=100))
    _entered(db_session, "C", Arm.TREATED, recent, playbook.id)  # still being watched
    churned_before_entry = _entered(db_session, "D", Arm.HELD_BACK, old, playbook.id)
    _churn(db_session, churned_before_entry, old - timedelta(days=5))
    held_back_churned = _entered(db_session, "E", Arm.HELD_BACK, recent, playbook.id)
    _churn(db_session, held_back_churned, recent + timedelta(days=3))

    result = experiment(db_session, playbook=playbook, at=AT)

    assert (result.treated.customers, result.treated.followed_up, result.treated.churned) == (
        3,
        2,
        1,
    )
    assert (
        result.held_back.customers,
        result.held_back.followed_up,
        result.held_back.churned,
    ) == (2, 2, 1)
    assert result.treated.churn_rate == 0.5 and result.held_back.churn_rate == 0.5
    assert result.difference == 0.0
    assert result.window_days == 90
    assert result.power.entries_last_year == 5


def test_the_book_churn_rate_is_the_yearly_rate_scaled_to_the_window(
    db_session: Session,
) -> None:
    customers = [add_customer(db_session, f"Customer {n}") for n in range(10)]
    _churn(db_session, customers[0].id, AT - timedelta(days=400))  # before the year: not at risk
    _churn(db_session, customers[1].id, AT - timedelta(days=100))
    _churn(db_session, customers[2].id, AT - timedelta(days=20))

    yearly = book_churn_rate(db_session, at=AT, window=365)
    quarterly = book_churn_rate(db_session, at=AT, window=90)

    assert yearly == pytest.approx(2 / 9)
    assert quarterly == pytest.approx(1 - (7 / 9) ** (90 / 365))


def test_with_few_held_back_the_power_uses_the_book_and_says_so(db_session: Session) -> None:
    playbook = add_playbook(db_session, control_share=0.1, success=CHURN_WINDOW)
    for number in range(20):
        customer_id = _entered(
            db_session, f"Entered {number}", Arm.TREATED, AT - timedelta(days=200), playbook.id
        )
        if number < 4:
            _churn(db_session, customer_id, AT - timedelta(days=150))

    power = experiment(db_session, playbook=playbook, at=AT).power

    baseline = 1 - (1 - 4 / 20) ** (90 / 365)
    assert power.baseline_churn_rate == pytest.approx(baseline)
    assert power.baseline_source.startswith("the whole book over the year to")
    assert power.target_churn_rate == pytest.approx(baseline * 0.8)
    assert power.needed_per_arm == needed_per_arm(baseline, baseline * 0.8)
    held_back_needed = needed_per_arm(baseline, baseline * 0.8, ratio=9)
    assert power.needed_entries == math.ceil(held_back_needed / 0.1)
    assert power.entries_per_year == pytest.approx(20 * 365 / 200)  # 20 in its 200 days
    assert power.years_to_read == pytest.approx(power.needed_entries / (20 * 365 / 200))


def test_a_playbook_without_a_control_group_is_told_to_hold_back(db_session: Session) -> None:
    playbook = add_playbook(db_session)  # control share 0

    advice = experiment(db_session, playbook=playbook, at=AT).recommendations

    assert [item.kind for item in advice] == ["control_group"]
    assert "hold back 10%" in advice[0].text


def test_a_slow_playbook_is_told_to_pool_with_its_sibling_or_hold_back_half(
    db_session: Session,
) -> None:
    playbook = add_playbook(db_session, control_share=0.1, success=CHURN_WINDOW)
    add_playbook(db_session, "Save the renewal, formal", control_share=0.1)
    for number in range(20):
        customer_id = _entered(
            db_session, f"Entered {number}", Arm.TREATED, AT - timedelta(days=200), playbook.id
        )
        if number < 4:
            _churn(db_session, customer_id, AT - timedelta(days=150))

    result = experiment(db_session, playbook=playbook, at=AT)

    (advice,) = [item for item in result.recommendations if item.kind == "sample_size"]
    power = result.power
    assert f"needs {power.needed_entries:,} customers at a 10% control share" in advice.text
    assert "at 36 a year that takes more than 10 years" in advice.text
    assert "pool it with “Save the renewal, formal” (same trigger)" in advice.text
    at_half = 2 * needed_per_arm(power.baseline_churn_rate or 0, power.target_churn_rate or 0)
    assert f"hold back half: then {at_half:,} customers suffice" in advice.text


def test_the_most_skipped_step_and_late_emails_call_for_variants(db_session: Session) -> None:
    playbook = add_playbook(db_session)
    for number in range(5):
        customer = add_customer(db_session, f"Customer {number}", csm_owner="Dana Scully")
        enter(db_session, playbook=playbook, customer=customer, reason="manual", detail="", at=AT)
    tasks = db_session.scalars(select(Task).order_by(Task.customer_id, Task.step_index)).all()
    emails = [task for task in tasks if task.step_index == 0]
    calls = [task for task in tasks if task.step_index == 1]
    for number, task in enumerate(emails):
        # Two sent on time, three sent two days late.
        task.status = TaskStatus.DONE
        task.closed_at = AT + timedelta(days=0 if number < 2 else 2)
    notes = ["No phone number", "no  phone number", "Customer on holiday", None, None]
    for task, note in zip(calls, notes, strict=True):
        task.status = TaskStatus.SKIPPED if note else TaskStatus.DONE
        task.outcome_note = note
        task.closed_at = AT + timedelta(days=7)
    db_session.flush()

    advice = {
        item.kind: item.text
        for item in experiment(db_session, playbook=playbook, at=AT).recommendations
    }

    assert advice["skipped_step"] == (
        "Step 2 (Call the sponsor) was skipped in 3 of 5 closed tasks (60%), most often because "
        '"No phone number": test a variant that drops or replaces it.'
    )
    assert advice["email_to_call"] == (
        "The e-mail of step 1 (Write to the sponsor) was skipped or sent late in 3 of 5 closed "
        "tasks (60%): test a call instead."
    )


def test_a_young_playbook_gets_the_sample_size_without_a_guess_at_its_pace(
    db_session: Session,
) -> None:
    playbook = add_playbook(db_session, control_share=0.1, success=CHURN_WINDOW)
    for number in range(10):
        customer_id = _entered(db_session, f"Old {number}", Arm.TREATED, AT, playbook.id)
        if number < 2:
            _churn(db_session, customer_id, AT - timedelta(days=100))

    result = experiment(db_session, playbook=playbook, at=AT + timedelta(days=5))

    assert result.power.entries_per_year is None and result.power.years_to_read is None
    (advice,) = result.recommendations
    assert advice.kind == "sample_size"
    assert "it has taken 10 so far, too few days to tell how long that takes" in advice.text
