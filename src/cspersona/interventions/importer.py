"""Importing a CSV of past actions into the log, row by row, with a plain reason for each refusal.

Columns: ``intervention_id, customer_id, kind, performed_by, performed_at, playbook, arm, hours,
note``; ``customer_id`` is the customer's external id (as in customers.csv) and ``intervention_id``
becomes the entry's ``external_id``, so importing the same file again adds nothing. A bad row is
reported and skipped; the caller commits the rest as one transaction.
"""

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.customers.models import Customer
from cspersona.exceptions import BadInput
from cspersona.interventions import service
from cspersona.interventions.models import Arm, Intervention, InterventionKind, InterventionSource

REQUIRED = ("intervention_id", "customer_id", "kind", "performed_by", "performed_at")
ChoiceT = TypeVar("ChoiceT", InterventionKind, Arm)
LONGEST = 128  # intervention_id, performed_by and playbook columns
# SQLite refuses more than a few thousand bound values in one statement.
CHUNK = 900


@dataclass(frozen=True)
class RowProblem:
    """A row not imported: its line in the file (the header is line 1) and why."""

    line: int
    reason: str
    raw: Mapping[str, str | None]


@dataclass
class ImportReport:
    """What an import did: rows read, recorded, already in the log, and refused (with why)."""

    received: int = 0
    recorded: int = 0
    already: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    def words(self) -> str:
        """One line for the terminal."""
        return (
            f"{self.received:,} rows: {self.recorded:,} recorded, {self.already:,} already in the "
            f"log, {len(self.problems):,} refused"
        )


def read_csv(path: Path) -> list[dict[str, str | None]]:
    """The file's rows as dictionaries; a file without the required columns is refused whole."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [name for name in REQUIRED if name not in (reader.fieldnames or [])]
        if missing:
            raise BadInput(f"{path.name} has no column {', '.join(missing)}")
        return list(reader)


def _moment(text: str) -> datetime:
    """An ISO date (midnight UTC) or date and time (UTC when no zone is given)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date such as 2025-03-01 or 2025-03-01T09:30") from None
    if len(text) == 10:
        moment = datetime.combine(date.fromisoformat(text), datetime.min.time())
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _choice(kind: type[ChoiceT], text: str, what: str) -> ChoiceT:
    try:
        return kind(text.strip().casefold().replace(" ", "_"))
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise ValueError(f"{text!r} is not {what}: use one of {allowed}") from None


def _in_chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def import_rows(
    db_session: Session, rows: Sequence[Mapping[str, str | None]], *, recorded_by: str
) -> ImportReport:
    """Record every valid row not imported before; report the others by line."""
    values = [{key: (value or "").strip() for key, value in row.items() if key} for row in rows]
    external = sorted({row.get("customer_id", "") for row in values} - {""})
    customers: dict[str, int] = {}
    for chunk in _in_chunks(external):
        for customer in db_session.execute(
            select(Customer.external_id, Customer.id).where(Customer.external_id.in_(chunk))
        ):
            customers[customer.external_id or ""] = customer.id
    ids = sorted({row.get("intervention_id", "") for row in values} - {""})
    known: set[str | None] = set()
    for chunk in _in_chunks(ids):
        known.update(
            db_session.scalars(
                select(Intervention.external_id).where(Intervention.external_id.in_(chunk))
            )
        )
    report = ImportReport(received=len(values))
    seen: set[str] = set()
    for line, (raw, row) in enumerate(zip(rows, values, strict=True), start=2):
        try:
            reason = _record(db_session, row, customers, known | seen, recorded_by)
        except ValueError as error:
            reason = str(error)
        if reason == "already":
            report.already += 1
        elif reason:
            report.problems.append(RowProblem(line, reason, raw))
        else:
            report.recorded += 1
            seen.add(row["intervention_id"])
    return report


def _record(
    db_session: Session,
    row: Mapping[str, str],
    customers: Mapping[str, int],
    known: set[str | None],
    recorded_by: str,
) -> str:
    """Record one row; return why not ("already" when it is in the log), or "" when recorded."""
    missing = [name.replace("_", " ") for name in REQUIRED if not row.get(name)]
    if missing:
        return f"no {', '.join(missing)}"
    if row["intervention_id"] in known:
        return "already"
    for name in ("intervention_id", "performed_by", "playbook"):
        if len(row.get(name, "")) > LONGEST:
            return f"{name.replace('_', ' ')} is longer than {LONGEST} characters"
    if any("\x00" in value for value in row.values()):
        return "it holds a NUL character, which cannot be stored"
    customer_id = customers.get(row["customer_id"])
    if customer_id is None:
        return f"no customer with id {row['customer_id']!r} (import the customers first)"
    kind = _choice(InterventionKind, row["kind"], "a kind of action")
    arm = _choice(Arm, row["arm"], "an arm") if row.get("arm") else None
    playbook = row.get("playbook") or None
    if arm is not None and playbook is None:
        return "an arm needs the playbook whose experiment it belongs to"
    hours_text = row.get("hours")
    try:
        hours = float(hours_text) if hours_text else None
    except ValueError:
        return f"hours {hours_text!r} is not a number"
    performed_at = _moment(row["performed_at"])
    if performed_at > datetime.now(UTC):
        return "done in the future"
    try:
        service.record(
            db_session,
            customer_id=customer_id,
            kind=kind,
            source=InterventionSource.IMPORT,
            performed_by=row["performed_by"],
            performed_at=performed_at,
            recorded_by=recorded_by,
            link=service.PlaybookLink(playbook, arm=arm) if playbook else None,
            hours=hours,
            note=row.get("note", ""),
            external_id=row["intervention_id"],
        )
    except BadInput as error:
        return str(error)
    return ""
