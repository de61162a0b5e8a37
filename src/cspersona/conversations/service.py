"""Conversation queries: plain functions on a session, no HTTP in sight."""

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspersona.conversations.models import Interaction, Message
from cspersona.conversations.schemas import InteractionRead, MonthlyActivity
from cspersona.exceptions import NotFound


def get_for_customer(*, db_session: Session, customer_id: int, interaction_id: int) -> Interaction:
    """One of the customer's conversations with its messages, or :class:`NotFound`."""
    interaction = db_session.get(Interaction, interaction_id)
    if interaction is None or interaction.customer_id != customer_id:
        raise NotFound(f"customer {customer_id} has no conversation {interaction_id}")
    return interaction


def get_all_for_customer(
    *, db_session: Session, customer_id: int, limit: int, offset: int
) -> tuple[list[InteractionRead], int]:
    """One page of a customer's conversations, newest first, with message counts; and the total."""
    total = (
        db_session.scalar(
            select(func.count())
            .select_from(Interaction)
            .where(Interaction.customer_id == customer_id)
        )
        or 0
    )
    message_count = (
        select(func.count())
        .where(Message.interaction_id == Interaction.id)
        .correlate(Interaction)
        .scalar_subquery()
        .label("message_count")
    )
    header_columns = [
        getattr(Interaction, name)
        for name in InteractionRead.model_fields
        if name != "message_count"
    ]
    rows = db_session.execute(
        select(*header_columns, message_count)
        .where(Interaction.customer_id == customer_id)
        .order_by(Interaction.started_at.desc(), Interaction.id.desc())
        .limit(limit)
        .offset(offset)
    )
    items = [InteractionRead.model_validate(dict(row._mapping)) for row in rows]
    return items, total


def monthly_activity(*, db_session: Session, customer_id: int) -> list[MonthlyActivity]:
    """Conversations started per month and type, oldest month first.

    Bucketed in Python: month truncation has no portable SQL spelling across SQLite and
    PostgreSQL, and one customer's conversations are few enough to read.
    """
    rows = db_session.execute(
        select(Interaction.started_at, Interaction.type).where(
            Interaction.customer_id == customer_id
        )
    )
    counts = Counter((started_at.strftime("%Y-%m"), kind) for started_at, kind in rows)
    return [
        MonthlyActivity(month=month, type=kind, count=count)
        for (month, kind), count in sorted(counts.items())
    ]
