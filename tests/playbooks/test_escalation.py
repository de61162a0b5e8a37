"""Escalation: levels by days overdue, repeats, never the same step twice, risk worsening."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.auth.models import Role, User
from cspersona.playbooks.definition import EscalationPolicy
from cspersona.playbooks.enrolment import enter
from cspersona.playbooks.escalation import EscalationReport, escalate, step_delay
from cspersona.playbooks.models import Escalation, Playbook, Task
from cspersona.playbooks.triggers import observe
from cspersona.predict.models import ChurnScore
from tests.factories import add_churn_score, add_customer, add_playbook

AT = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
ONE_STEP = [{"title": "Call the sponsor", "kind": "call", "due_days": 0}]


def one_task(db_session: Session, playbook: Playbook, risk_tier: str | None = None) -> Task:
    """Enter Acme (scored at ``risk_tier``) at ``AT``: the first step's task."""
    customer = add_customer(db_session, "Acme", csm_owner="Dana")
    if risk_tier is not None:
        add_churn_score(db_session, customer, 0.1, risk_tier=risk_tier)
    entry = enter(
        db_session, playbook=playbook, customer=customer, reason="manual", detail="", at=AT
    )
    assert entry.enrolment is not None
    return entry.enrolment.tasks[0]


def rise_to_high(db_session: Session, task: Task) -> None:
    """Observe the tier before entry, then the customer's score rising to high after it."""
    observe(db_session, at=AT - timedelta(days=1), with_signals=False)
    score = db_session.scalars(
        select(ChurnScore).where(ChurnScore.customer_id == task.customer_id)
    ).one()
    score.risk_tier = "high"
    observe(db_session, at=AT + timedelta(days=2), with_signals=False)


def recorded(db_session: Session) -> list[tuple[int, str, str]]:
    rows = db_session.scalars(select(Escalation).order_by(Escalation.id))
    return [(row.level, row.target, row.reason) for row in rows]


def test_an_overdue_task_climbs_the_levels_as_their_delays_pass(db_session: Session) -> None:
    db_session.add_all([User(name="ana", role=Role.ANALYST), User(name="ben", role=Role.ANALYST)])
    playbook = add_playbook(
        db_session,
        steps=ONE_STEP,
        escalation={
            "levels": [
                {"after_days": 1, "target": "user:lead"},
                {"after_days": 4, "target": "role:analyst"},
            ]
        },
    )
    task = one_task(db_session, playbook)

    on_time = escalate(db_session, at=AT)
    day_late = escalate(db_session, at=AT + timedelta(days=1))
    again = escalate(db_session, at=AT + timedelta(days=2))
    later = escalate(db_session, at=AT + timedelta(days=4))
    last = escalate(db_session, at=AT + timedelta(days=30))

    assert (on_time.overdue, day_late.overdue, again.overdue, later.overdue, last.overdue) == (
        0,
        1,
        0,
        1,
        0,
    )
    assert recorded(db_session) == [(1, "lead", "overdue"), (2, "ana", "overdue")]
    assert task.escalation_level == 2
    detail = db_session.scalars(select(Escalation.detail).order_by(Escalation.id)).all()
    assert detail[1] == (
        "4 days overdue: 'Call the sponsor' for Acme (owner Dana) "
        "escalated to level 2 of 2, to ana (role:analyst)"
    )


def test_repeat_loops_through_the_levels_again_after_the_last(db_session: Session) -> None:
    policy = EscalationPolicy.model_validate(
        {
            "levels": [
                {"after_days": 1, "target": "user:lead"},
                {"after_days": 3, "target": "user:head"},
            ],
            "repeat": 1,
        }
    )
    playbook = add_playbook(db_session, steps=ONE_STEP, escalation=policy.document())
    one_task(db_session, playbook)

    assert [step_delay(policy, step) for step in range(4)] == [1, 3, 4, 6]
    for days in range(10):
        escalate(db_session, at=AT + timedelta(days=days))

    assert recorded(db_session) == [
        (1, "lead", "overdue"),
        (2, "head", "overdue"),
        (3, "lead", "overdue"),
        (4, "head", "overdue"),
    ]


def test_a_task_found_long_overdue_jumps_to_the_level_reached_once(db_session: Session) -> None:
    playbook = add_playbook(
        db_session,
        steps=ONE_STEP,
        escalation={
            "levels": [
                {"after_days": 1, "target": "user:lead"},
                {"after_days": 3, "target": "user:head"},
            ]
        },
    )
    one_task(db_session, playbook)

    report = escalate(db_session, at=AT + timedelta(days=10))

    assert report.overdue == 1
    assert recorded(db_session) == [(2, "head", "overdue")]


def test_a_role_without_users_is_recorded_as_the_rule(db_session: Session) -> None:
    playbook = add_playbook(
        db_session,
        steps=ONE_STEP,
        escalation={"levels": [{"after_days": 0, "target": "role:admin"}]},
    )
    one_task(db_session, playbook)

    escalate(db_session, at=AT + timedelta(days=1))

    assert recorded(db_session) == [(1, "role:admin", "overdue")]


def test_a_risk_rise_while_the_task_is_open_escalates_at_once_and_once(
    db_session: Session,
) -> None:
    playbook = add_playbook(
        db_session,
        steps=[{"title": "Call the sponsor", "kind": "call", "due_days": 14}],
        escalation={"levels": [{"after_days": 2, "target": "user:lead"}]},
    )
    task = one_task(db_session, playbook, risk_tier="elevated")
    observe(db_session, at=AT - timedelta(days=1), with_signals=False)
    calm = escalate(db_session, at=AT + timedelta(days=1))
    rise_to_high(db_session, task)

    worse = escalate(db_session, at=AT + timedelta(days=3))
    again = escalate(db_session, at=AT + timedelta(days=4))

    assert (calm.risk_worsened, worse.risk_worsened, again.risk_worsened) == (0, 1, 0)
    assert recorded(db_session) == [(1, "lead", "risk_worsened")]
    assert (
        db_session.scalars(select(Escalation.detail))
        .one()
        .startswith(
            "risk tier rose from elevated to high while the task was open: 'Call the sponsor'"
        )
    )


def test_no_escalation_on_risk_when_the_policy_says_not_to(db_session: Session) -> None:
    playbook = add_playbook(
        db_session,
        steps=[{"title": "Call the sponsor", "kind": "call", "due_days": 14}],
        escalation={
            "levels": [{"after_days": 2, "target": "user:lead"}],
            "on_risk_worsening": False,
        },
    )
    task = one_task(db_session, playbook, risk_tier="normal")
    rise_to_high(db_session, task)

    assert escalate(db_session, at=AT + timedelta(days=3)).risk_worsened == 0


def test_the_report_says_what_climbed_in_words() -> None:
    assert EscalationReport().words() == "no task escalated"
    assert EscalationReport(overdue=3, risk_worsened=1).words() == (
        "3 overdue tasks escalated, 1 task escalated as the risk rose"
    )


def test_escalations_to_a_role_spread_over_its_users_by_load(db_session: Session) -> None:
    db_session.add_all([User(name="ana", role=Role.ANALYST), User(name="ben", role=Role.ANALYST)])
    playbook = add_playbook(
        db_session,
        steps=ONE_STEP,
        escalation={"levels": [{"after_days": 1, "target": "role:analyst"}]},
    )
    for company in ("Acme", "Birch", "Cobalt"):
        customer = add_customer(db_session, company)
        enter(db_session, playbook=playbook, customer=customer, reason="manual", detail="", at=AT)

    escalate(db_session, at=AT + timedelta(days=2))

    assert [target for _, target, _ in recorded(db_session)] == ["ana", "ben", "ana"]
