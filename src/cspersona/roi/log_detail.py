"""One entry of the interventions log in full: its correction chain and outcomes per window."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.interventions import log
from cspersona.interventions.models import Intervention
from cspersona.roi.log_schemas import InterventionDetail, InterventionRead, OutcomeRead
from cspersona.roi.models import InterventionOutcome


def entry_detail(db_session: Session, entry: Intervention) -> InterventionDetail:
    """The entry, every link of its chain (each saying what replaces it) and its outcomes."""
    links = log.chain(db_session, entry)
    successors = {earlier.id: later.id for earlier, later in zip(links, links[1:], strict=False)}
    outcomes = db_session.scalars(
        select(InterventionOutcome)
        .where(InterventionOutcome.intervention_id == entry.id)
        .order_by(InterventionOutcome.window_days)
    )
    return InterventionDetail(
        entry=InterventionRead.of(entry, successors.get(entry.id)),
        chain=[InterventionRead.of(link, successors.get(link.id)) for link in links],
        outcomes=[OutcomeRead.of(outcome) for outcome in outcomes],
    )
