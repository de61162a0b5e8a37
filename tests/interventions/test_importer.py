"""Importing past actions from a CSV: valid rows recorded once, bad rows reported by line."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.exceptions import BadInput
from cspersona.interventions.importer import import_rows, read_csv
from cspersona.interventions.models import Arm, Intervention, InterventionKind, InterventionSource
from tests.factories import add_customer

HEADER = "intervention_id,customer_id,kind,performed_by,performed_at,playbook,arm,hours,note\n"
ROWS = (
    "iv-1,c-1,call,Dana Scully,2025-03-03T09:00:00,Save the renewal,treated,0.5,Renewal call\n"
    "iv-2,c-1,entered,playbook,2025-03-01,Save the renewal,held_back,,\n"
    "iv-3,c-9,call,Dana Scully,2025-03-03,,,,\n"
    "iv-4,c-1,smoke signals,Dana Scully,2025-03-03,,,,\n"
    "iv-5,c-1,email,Dana Scully,yesterday,,,,\n"
    "iv-6,c-1,email,,2025-03-03,,,,\n"
    "iv-7,c-1,email,Dana Scully,2025-03-03,,held_back,,\n"
    "iv-1,c-1,call,Dana Scully,2025-03-03,,,,\n"
)


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "interventions.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    return path


def test_valid_rows_are_recorded_as_imported_with_their_arm_and_playbook(
    db_session: Session, csv_file: Path
) -> None:
    customer = add_customer(db_session, "Acme", external_id="c-1")

    report = import_rows(db_session, read_csv(csv_file), recorded_by="importer")

    entries = db_session.scalars(select(Intervention).order_by(Intervention.id)).all()
    assert [(e.external_id, e.kind, e.arm, e.customer_id) for e in entries] == [
        ("iv-1", InterventionKind.CALL, Arm.TREATED, customer.id),
        ("iv-2", InterventionKind.ENTERED, Arm.HELD_BACK, customer.id),
    ]
    first = entries[0]
    assert (first.source, first.recorded_by, first.performed_by) == (
        InterventionSource.IMPORT,
        "importer",
        "Dana Scully",
    )
    assert (first.hours, first.note, first.playbook_name) == (
        0.5,
        "Renewal call",
        "Save the renewal",
    )
    assert first.performed_at == datetime(2025, 3, 3, 9, tzinfo=UTC)
    assert (report.received, report.recorded, report.already) == (8, 2, 1)


def test_bad_rows_are_reported_by_line_with_a_plain_reason_and_the_others_still_load(
    db_session: Session, csv_file: Path
) -> None:
    add_customer(db_session, "Acme", external_id="c-1")

    report = import_rows(db_session, read_csv(csv_file), recorded_by="importer")

    assert [(p.line, p.reason) for p in report.problems] == [
        (4, "no customer with id 'c-9' (import the customers first)"),
        (
            5,
            "'smoke signals' is not a kind of action: use one of entered, email, call, meeting, "
            "in_app, training, sponsor, discount, internal, other",
        ),
        (6, "'yesterday' is not a date such as 2025-03-01 or 2025-03-01T09:30"),
        (7, "no performed by"),
        (8, "an arm needs the playbook whose experiment it belongs to"),
    ]


def test_importing_the_same_file_again_adds_nothing(db_session: Session, csv_file: Path) -> None:
    add_customer(db_session, "Acme", external_id="c-1")
    import_rows(db_session, read_csv(csv_file), recorded_by="importer")

    again = import_rows(db_session, read_csv(csv_file), recorded_by="importer")

    assert (again.recorded, again.already, len(again.problems)) == (0, 3, 5)
    assert len(db_session.scalars(select(Intervention)).all()) == 2


def test_a_file_without_the_required_columns_is_refused_whole(tmp_path: Path) -> None:
    path = tmp_path / "actions.csv"
    path.write_text("id,customer,what\n1,c-1,call\n", encoding="utf-8")

    with pytest.raises(BadInput, match="has no column intervention_id, customer_id, kind"):
        read_csv(path)
