from datetime import UTC, datetime

from sqlalchemy.orm import Session

from cspersona.conversations import service
from cspersona.conversations.models import InteractionType
from cspersona.conversations.schemas import MonthlyActivity
from tests.factories import add_customer, add_interaction


def _at(month: int, day: int) -> datetime:
    return datetime(2025, month, day, 10, tzinfo=UTC)


def test_a_customers_conversations_come_newest_first_with_message_counts(
    db_session: Session,
) -> None:
    customer = add_customer(db_session, "Acme")
    other = add_customer(db_session, "Other")
    add_interaction(db_session, customer, started_at=_at(1, 5), messages=3, subject="old")
    add_interaction(db_session, customer, started_at=_at(3, 1), messages=0, subject="new")
    add_interaction(db_session, other, started_at=_at(2, 1))

    items, total = service.get_all_for_customer(
        db_session=db_session, customer_id=customer.id, limit=10, offset=0
    )
    second_page, _ = service.get_all_for_customer(
        db_session=db_session, customer_id=customer.id, limit=1, offset=1
    )

    assert total == 2
    assert [(item.subject, item.message_count) for item in items] == [("new", 0), ("old", 3)]
    assert [item.subject for item in second_page] == ["old"]


def test_monthly_activity_counts_conversations_per_month_and_type(db_session: Session) -> None:
    customer = add_customer(db_session, "Acme")
    for month, day, kind in [
        (1, 5, InteractionType.TICKET),
        (1, 20, InteractionType.TICKET),
        (1, 31, InteractionType.CALL),
        (3, 2, InteractionType.TICKET),
    ]:
        add_interaction(db_session, customer, started_at=_at(month, day), kind=kind)

    activity = service.monthly_activity(db_session=db_session, customer_id=customer.id)

    assert activity == [
        MonthlyActivity(month="2025-01", type=InteractionType.CALL, count=1),
        MonthlyActivity(month="2025-01", type=InteractionType.TICKET, count=2),
        MonthlyActivity(month="2025-03", type=InteractionType.TICKET, count=1),
    ]
