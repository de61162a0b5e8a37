"""The persona changes a caller may see: every switch in their book, newest first.

No notification mechanism exists yet; these switch records are the alert's source, read by the
customer page, the book-wide "Persona changes" page, ``GET /api/personas/switches`` and
``cspersona personas switches``.
"""

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from cspersona.auth.policy import Principal
from cspersona.customers.access import visible_customers
from cspersona.customers.models import Customer
from cspersona.personas.models import Persona, PersonaSwitch
from cspersona.personas.schemas import SwitchEntry, SwitchRead


def persona_changes(
    *,
    db_session: Session,
    visible_to: Principal | None,
    csm_owner: str | None = None,
    since: datetime | None = None,
    customer_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[SwitchEntry], int]:
    """Switches newest first, of the customers ``visible_to`` may see (None: every customer).

    ``csm_owner`` keeps one CSM's book, ``since`` those detected at or after it (UTC when it
    names no zone), ``customer_id`` one customer's. Returns the page and the total.
    """
    old, new = aliased(Persona), aliased(Persona)
    statement = (
        select(
            PersonaSwitch,
            Customer.company_name,
            Customer.csm_owner,
            old.name.label("from_persona_name"),
            new.name.label("to_persona_name"),
        )
        .join(Customer, Customer.id == PersonaSwitch.customer_id)
        .join(old, old.id == PersonaSwitch.from_persona_id)
        .join(new, new.id == PersonaSwitch.to_persona_id)
    )
    if visible_to is not None:
        statement = visible_customers(statement, visible_to)
    if csm_owner is not None:
        statement = statement.where(Customer.csm_owner == csm_owner)
    if since is not None:
        since = since if since.tzinfo else since.replace(tzinfo=UTC)
        statement = statement.where(PersonaSwitch.detected_at >= since)
    if customer_id is not None:
        statement = statement.where(PersonaSwitch.customer_id == customer_id)
    total = db_session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    rows = db_session.execute(
        statement.order_by(PersonaSwitch.detected_at.desc(), PersonaSwitch.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return [_entry(*row) for row in rows], total


def _entry(
    switch: PersonaSwitch,
    company_name: str,
    csm_owner: str | None,
    from_persona_name: str,
    to_persona_name: str,
) -> SwitchEntry:
    """A switch with the customer and both personas named, and what changed in words."""
    return SwitchEntry(
        **SwitchRead.model_validate(switch).model_dump(),
        id=switch.id,
        customer_id=switch.customer_id,
        company_name=company_name,
        csm_owner=csm_owner,
        from_persona_name=from_persona_name,
        to_persona_name=to_persona_name,
        what_changed=[change["phrase"] for change in switch.changes if "phrase" in change],
    )
