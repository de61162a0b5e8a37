"""The interventions log: recorded by playbooks and by hand, immutable, corrected by new entries."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from cspersona.exceptions import BadInput, Conflict
from cspersona.interventions import service
from cspersona.interventions.models import (
    Arm,
    Intervention,
    InterventionKind,
    InterventionSource,
)
from cspersona.playbooks.enrolment import enter
from cspersona.playbooks.models import Task, TaskStatus
from cspersona.playbooks.tasks import close
from tests.factories import add_customer, add_playbook

AT = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def _call(
    db_session: Session, customer_id: int, note: str = "Walked through the renewal"
) -> Intervention:
    return service.record(
        db_session,
        customer_id=customer_id,
        kind=InterventionKind.CALL,
        source=InterventionSource.API,
        performed_by="Dana Scully",
        performed_at=AT,
        note=note,
    )


def test_entering_a_playbook_is_logged_with_its_arm_in_either_arm(db_session: Session) -> None:
    playbook = add_playbook(db_session, control_share=0.5)
    customers = [add_customer(db_session, f"Customer {n}") for n in range(8)]
    enrolments = [
        enter(
            db_session, playbook=playbook, customer=c, reason="manual", detail="", at=AT
        ).enrolment
        for c in customers
    ]

    logged = db_session.scalars(select(Intervention).order_by(Intervention.id)).all()
    assert [(e.kind, e.enrolment_id, e.arm, e.playbook_name) for e in logged] == [
        (InterventionKind.ENTERED, n.id, n.arm, playbook.name) for n in enrolments if n
    ]
    assert {e.arm for e in logged} == {Arm.TREATED, Arm.HELD_BACK}


def test_a_done_task_is_logged_as_its_step_kind_with_the_outcome_note(
    db_session: Session,
) -> None:
    customer = add_customer(db_session, "Acme")
    playbook = add_playbook(db_session, control_share=0.0)
    enter(db_session, playbook=playbook, customer=customer, reason="manual", detail="", at=AT)
    task = db_session.scalars(select(Task).order_by(Task.step_index)).first()
    assert task is not None

    close(db_session, task=task, status=TaskStatus.DONE, note="Sponsor agreed", by="Dana", at=AT)

    done = db_session.scalars(select(Intervention).where(Intervention.task_id == task.id)).one()
    assert (done.kind, done.arm, done.performed_by, done.note) == (
        InterventionKind.EMAIL,
        Arm.TREATED,
        "Dana",
        "Write to the sponsor: Sponsor agreed",
    )


def test_a_skipped_task_is_not_an_action_taken(db_session: Session) -> None:
    customer = add_customer(db_session, "Acme")
    playbook = add_playbook(db_session, control_share=0.0)
    enter(db_session, playbook=playbook, customer=customer, reason="manual", detail="", at=AT)
    task = db_session.scalars(select(Task)).first()
    assert task is not None

    close(db_session, task=task, status=TaskStatus.SKIPPED, note="No answer", by="Dana", at=AT)

    kinds = db_session.scalars(select(Intervention.kind)).all()
    assert kinds == [InterventionKind.ENTERED]


def test_a_recorded_entry_cannot_be_changed_or_deleted_through_the_application(
    db_session: Session,
) -> None:
    entry = _call(db_session, add_customer(db_session, "Acme").id)

    entry.note = "Rewritten history"
    with pytest.raises(Conflict, match="record a correction"):
        db_session.flush()
    db_session.rollback()


def test_the_database_itself_refuses_to_edit_a_recorded_entry(db_session: Session) -> None:
    entry = _call(db_session, add_customer(db_session, "Acme").id)
    savepoint = db_session.begin_nested()

    with pytest.raises(DBAPIError, match="immutable"):
        db_session.execute(
            update(Intervention).where(Intervention.id == entry.id).values(note="changed")
        )
    savepoint.rollback()


def test_deleting_the_customer_erases_its_entries(db_session: Session) -> None:
    customer = add_customer(db_session, "Acme")
    _call(db_session, customer.id)

    db_session.execute(text("DELETE FROM customers WHERE id = :id"), {"id": customer.id})

    assert db_session.scalars(select(Intervention)).all() == []


def test_a_correction_replaces_the_entry_it_names_for_every_reader(db_session: Session) -> None:
    customer = add_customer(db_session, "Acme")
    wrong = _call(db_session, customer.id, note="Called on the wrong day")
    corrected = service.record(
        db_session,
        customer_id=customer.id,
        kind=InterventionKind.MEETING,
        source=InterventionSource.API,
        performed_by="Dana Scully",
        performed_at=AT,
        note="It was a meeting",
        corrects=wrong,
    )

    assert db_session.scalars(service.current()).all() == [corrected]
    assert service.get(db_session, wrong.id).note == "Called on the wrong day"


def test_a_correction_must_be_for_the_same_customer(db_session: Session) -> None:
    wrong = _call(db_session, add_customer(db_session, "Acme").id)
    other = add_customer(db_session, "Globex")

    with pytest.raises(BadInput, match="same customer"):
        service.record(
            db_session,
            customer_id=other.id,
            kind=InterventionKind.CALL,
            source=InterventionSource.API,
            performed_by="Dana Scully",
            performed_at=AT,
            corrects=wrong,
        )
