"""Recording interventions and reading the log as it stands after corrections."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from cspersona.exceptions import BadInput, NotFound
from cspersona.interventions.models import (
    Arm,
    Intervention,
    InterventionKind,
    InterventionSource,
)


@dataclass(frozen=True)
class PlaybookLink:
    """The playbook, entry and task an intervention belongs to, when it belongs to one."""

    playbook_name: str
    playbook_id: int | None = None
    enrolment_id: int | None = None
    task_id: int | None = None
    arm: Arm | None = None


def record(
    db_session: Session,
    *,
    customer_id: int,
    kind: InterventionKind,
    source: InterventionSource,
    performed_by: str,
    performed_at: datetime,
    recorded_by: str | None = None,
    link: PlaybookLink | None = None,
    hours: float | None = None,
    note: str = "",
    corrects: Intervention | None = None,
    external_id: str | None = None,
) -> Intervention:
    """Add one entry to the log; ``corrects`` names the entry this one replaces."""
    if hours is not None and not 0 <= hours <= 1000:
        raise BadInput("hours must be between 0 and 1,000")
    if corrects is not None and corrects.customer_id != customer_id:
        raise BadInput("a correction must be for the same customer as the entry it corrects")
    entry = Intervention(
        customer_id=customer_id,
        kind=kind,
        source=source,
        performed_by=performed_by,
        performed_at=performed_at,
        recorded_by=recorded_by or performed_by,
        playbook_name=link.playbook_name if link else None,
        playbook_id=link.playbook_id if link else None,
        enrolment_id=link.enrolment_id if link else None,
        task_id=link.task_id if link else None,
        arm=link.arm if link else None,
        hours=hours,
        note=note.strip(),
        corrects_id=corrects.id if corrects else None,
        external_id=external_id,
    )
    db_session.add(entry)
    db_session.flush()
    return entry


def get(db_session: Session, intervention_id: int) -> Intervention:
    """The entry with this id, whether or not a later one corrects it."""
    entry = db_session.get(Intervention, intervention_id)
    if entry is None:
        raise NotFound(f"no intervention {intervention_id}")
    return entry


def current() -> Select[Intervention]:
    """Entries no later entry corrects: the log as it stands, for every reader of outcomes."""
    correction = aliased(Intervention)
    superseded = select(correction.id).where(correction.corrects_id == Intervention.id).exists()
    return select(Intervention).where(~superseded)
