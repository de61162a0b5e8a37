"""The dry run: who would have entered what, with which tasks, and nothing written."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspersona.playbooks.dry_run import dry_run
from cspersona.playbooks.enrolment import enter
from cspersona.playbooks.models import Enrolment, Escalation, Observation, PlaybookStatus, Task
from tests.factories import add_customer, add_nps, add_playbook

AT = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def counts(db_session: Session) -> tuple[int, ...]:
    return tuple(
        db_session.scalar(select(func.count()).select_from(table)) or 0
        for table in (Enrolment, Task, Escalation, Observation)
    )


def test_the_replay_enters_customers_on_past_events_with_tasks_due_from_then(
    db_session: Session,
) -> None:
    acme = add_customer(db_session, "Acme", csm_owner="Dana")
    add_nps(db_session, acme, 9, answered_at=AT - timedelta(days=150))
    add_nps(db_session, acme, 3, answered_at=AT - timedelta(days=100))
    add_customer(db_session, "Birch", renewal_date=AT.date() + timedelta(days=20))
    add_playbook(db_session, "NPS rescue", trigger={"kind": "nps_drop", "points": 3})
    add_playbook(db_session, "Renewal prep", trigger={"kind": "renewal_within", "days": 60})

    report = dry_run(db_session, at=AT, days=180)

    assert [(e.entered_on, e.company_name, e.playbook_name, e.arm) for e in report.entries] == [
        (date(2025, 2, 22), "Acme", "NPS rescue", "treated"),
        (date(2025, 4, 23), "Birch", "Renewal prep", "treated"),
    ]
    acme_tasks = report.entries[0].tasks
    assert [(t.title, t.due_on, t.owner) for t in acme_tasks] == [
        ("Write to the sponsor", date(2025, 2, 22), "Dana"),
        ("Call the sponsor", date(2025, 3, 1), "Dana"),
    ]
    assert report.entries[0].detail == "NPS fell from 9 to 3"
    assert report.events == 2
    assert report.words().startswith("2024-12-04 to 2025-06-02: 2 trigger events, 2 entries")


def test_the_replay_writes_nothing(db_session: Session) -> None:
    acme = add_customer(db_session, "Acme")
    add_nps(db_session, acme, 9, answered_at=AT - timedelta(days=50))
    add_nps(db_session, acme, 2, answered_at=AT - timedelta(days=40))
    add_playbook(db_session, trigger={"kind": "nps_drop", "points": 3})
    before = counts(db_session)

    report = dry_run(db_session, at=AT)
    db_session.flush()

    assert len(report.entries) == 1
    assert counts(db_session) == before == (0, 0, 0, 0)
    assert not db_session.new and not db_session.dirty


def test_replayed_entries_end_when_their_tasks_fall_due_and_limits_apply(
    db_session: Session,
) -> None:
    acme = add_customer(db_session, "Acme")
    for days, score in ((170, 9), (160, 4), (120, 9), (110, 4), (20, 9), (10, 4)):
        add_nps(db_session, acme, score, answered_at=AT - timedelta(days=days))
    add_playbook(
        db_session, trigger={"kind": "nps_drop", "points": 3}, reentry={"times": 1, "days": 90}
    )

    report = dry_run(db_session, at=AT, days=180)

    # 160 days ago: entered; 110: the entry ended after its week of tasks, but the limit stops
    # a second entry within 90 days; 10: more than 90 days on, it enters again.
    assert [entry.entered_on for entry in report.entries] == [date(2024, 12, 24), date(2025, 5, 23)]
    assert report.limited == 1


def test_one_playbook_may_be_replayed_whatever_its_status(db_session: Session) -> None:
    add_customer(db_session, "Acme", renewal_date=AT.date() + timedelta(days=10))
    add_playbook(db_session, "Live", trigger={"kind": "renewal_within", "days": 30})
    draft = add_playbook(db_session, "Draft", trigger={"kind": "renewal_within", "days": 30})
    draft.status = PlaybookStatus.DRAFT

    everything = dry_run(db_session, at=AT)
    only_draft = dry_run(db_session, at=AT, playbook_id=draft.id)

    assert [entry.playbook_name for entry in everything.entries] == ["Live"]
    assert [entry.playbook_name for entry in only_draft.entries] == ["Draft"]


def test_the_replay_ignores_entries_made_since_its_start_and_keeps_them(
    db_session: Session,
) -> None:
    acme = add_customer(db_session, "Acme")
    add_nps(db_session, acme, 9, answered_at=AT - timedelta(days=50))
    add_nps(db_session, acme, 2, answered_at=AT - timedelta(days=40))
    playbook = add_playbook(db_session, trigger={"kind": "nps_drop", "points": 3})
    enter(db_session, playbook=playbook, customer=acme, reason="manual", detail="", at=AT)
    before = counts(db_session)

    report = dry_run(db_session, at=AT)

    assert [(e.company_name, e.reason) for e in report.entries] == [("Acme", "nps_drop")]
    assert report.updated == 0
    assert counts(db_session) == before, "the real entry is still there"
