"""Reading the log as a caller may see it, and recording an action a person reports.

Every surface (API, CLI, page) goes through here, so book scoping and the rules for an entry made
by hand (not in the future, outside any experiment) are stated once.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspersona.auth.policy import Principal
from cspersona.customers.access import authorize_customer, can_see_customer, visible_customers
from cspersona.customers.models import Customer
from cspersona.exceptions import BadInput, Conflict, NotFound
from cspersona.interventions import service
from cspersona.interventions.models import Intervention, InterventionKind, InterventionSource


@dataclass(frozen=True)
class LogFilter:
    """Which entries a list asks for; None means any."""

    customer_id: int | None = None
    playbook: str | None = None
    kind: InterventionKind | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class LogPage:
    """Entries of one page, newest first, with the entry correcting each (if any)."""

    entries: list[Intervention]
    total: int
    corrected_by: dict[int, int]


@dataclass(frozen=True)
class Action:
    """What a person reports having done for a customer."""

    customer_id: int
    kind: InterventionKind
    performed_at: datetime | None = None
    hours: float | None = None
    note: str = ""
    playbook: str | None = None


def entries(
    db_session: Session,
    *,
    visible_to: Principal,
    where: LogFilter,
    offset: int = 0,
    limit: int = 50,
) -> LogPage:
    """The entries the caller may see that match ``where``, newest first."""
    statement = visible_customers(
        select(Intervention).join(Customer, Customer.id == Intervention.customer_id), visible_to
    )
    if where.customer_id is not None:
        statement = statement.where(Intervention.customer_id == where.customer_id)
    if where.playbook is not None:
        statement = statement.where(Intervention.playbook_name == where.playbook)
    if where.kind is not None:
        statement = statement.where(Intervention.kind == where.kind)
    if where.since is not None:
        statement = statement.where(Intervention.performed_at >= where.since)
    if where.until is not None:
        statement = statement.where(Intervention.performed_at <= where.until)
    total = db_session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    page = list(
        db_session.scalars(
            statement.order_by(Intervention.performed_at.desc(), Intervention.id.desc())
            .offset(offset)
            .limit(limit)
        )
    )
    return LogPage(page, total, corrected_by(db_session, [entry.id for entry in page]))


def corrected_by(db_session: Session, ids: list[int]) -> dict[int, int]:
    """For each of ``ids`` that a later entry corrects, the newest such entry."""
    found: dict[int, int] = {}
    for correction in db_session.execute(
        select(Intervention.corrects_id, Intervention.id)
        .where(Intervention.corrects_id.in_(ids))
        .order_by(Intervention.id)
    ):
        if correction.corrects_id is not None:
            found[correction.corrects_id] = correction.id
    return found


def visible_entry(
    db_session: Session, intervention_id: int, *, visible_to: Principal
) -> Intervention:
    """The entry, if its customer is one the caller may see; otherwise as if it did not exist."""
    entry = service.get(db_session, intervention_id)
    customer = db_session.get(Customer, entry.customer_id)
    if customer is None or not can_see_customer(visible_to, customer):
        raise NotFound(f"no intervention {intervention_id}")
    return entry


def chain(db_session: Session, entry: Intervention) -> list[Intervention]:
    """Every entry of ``entry``'s correction chain, the original first and the current last."""
    first = entry
    while first.corrects_id is not None:
        first = service.get(db_session, first.corrects_id)
    links = [first]
    while (following := corrected_by(db_session, [links[-1].id]).get(links[-1].id)) is not None:
        links.append(service.get(db_session, following))
    return links


def record_action(
    db_session: Session,
    *,
    by: Principal,
    action: Action,
    source: InterventionSource,
    corrects: Intervention | None = None,
) -> Intervention:
    """Log an action the caller reports; a CSM may log only for their own book's customers."""
    customer = db_session.get(Customer, action.customer_id)
    if customer is None:
        raise NotFound(f"customer {action.customer_id} does not exist")
    authorize_customer(by, customer)
    now = datetime.now(UTC)
    performed_at = action.performed_at or now
    if performed_at.tzinfo is None:
        performed_at = performed_at.replace(tzinfo=UTC)
    if performed_at > now:
        raise BadInput("an action cannot be logged as done in the future")
    if action.kind is InterventionKind.ENTERED:
        raise BadInput("entering a playbook is logged by the playbook itself")
    if corrects is not None and (later := corrected_by(db_session, [corrects.id])):
        # One chain per action: a second correction of the same entry would fork it.
        raise Conflict(
            f"intervention {corrects.id} is already corrected by {later[corrects.id]}; "
            "correct that one"
        )
    return service.record(
        db_session,
        customer_id=customer.id,
        kind=action.kind,
        source=source,
        performed_by=by.user_name,
        performed_at=performed_at,
        link=service.PlaybookLink(action.playbook) if action.playbook else None,
        hours=action.hours,
        note=action.note,
        corrects=corrects,
    )
