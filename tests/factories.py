"""Rows for tests: customers with contacts, conversations and NPS answers."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from cspersona.conversations.models import AuthorRole, Interaction, InteractionType, Message
from cspersona.customers.models import Contact, Customer, NpsResponse

START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


def add_customer(db_session: Session, company_name: str, **fields: object) -> Customer:
    """A customer with the given fields, flushed so it has an id."""
    customer = Customer(company_name=company_name, **fields)
    db_session.add(customer)
    db_session.flush()
    return customer


def add_contacts(db_session: Session, customer: Customer, count: int) -> list[Contact]:
    """``count`` contacts at ``customer``."""
    contacts = [
        Contact(customer_id=customer.id, name=f"Contact {index}", role="Admin")
        for index in range(count)
    ]
    db_session.add_all(contacts)
    db_session.flush()
    return contacts


def add_interaction(
    db_session: Session,
    customer: Customer,
    *,
    started_at: datetime = START,
    kind: InteractionType = InteractionType.TICKET,
    messages: int = 2,
    subject: str = "Export fails",
) -> Interaction:
    """A conversation of ``messages`` turns, customer and agent alternating."""
    interaction = Interaction(
        customer_id=customer.id, type=kind, subject=subject, started_at=started_at
    )
    interaction.messages = [
        Message(
            seq=seq,
            author_role=AuthorRole.CUSTOMER if seq % 2 == 0 else AuthorRole.AGENT,
            sent_at=started_at + timedelta(minutes=seq),
            text=f"message {seq}",
        )
        for seq in range(messages)
    ]
    db_session.add(interaction)
    db_session.flush()
    return interaction


def add_nps(db_session: Session, customer: Customer, *scores: int) -> None:
    """NPS answers with these scores."""
    db_session.add_all(
        NpsResponse(customer_id=customer.id, score=score, answered_at=START) for score in scores
    )
    db_session.flush()


def add_book(db_session: Session) -> dict[str, Customer]:
    """Five customers across two CSMs, three plans and three industries, keyed by name."""
    rows = [
        ("Acme Analytics", "Dana Scully", "Enterprise", "FinTech", 120_000.0, date(2026, 3, 1)),
        ("Birch Health", "Dana Scully", "Growth", "Healthcare", 45_000.0, date(2026, 1, 15)),
        ("Cobalt Retail", "Fox Mulder", "Starter", "Retail", 9_000.0, None),
        ("Delta Freight", "Fox Mulder", "Enterprise", "Logistics", 250_000.0, date(2025, 12, 1)),
        ("Echo Bank", None, "Growth", "FinTech", None, date(2026, 6, 30)),
    ]
    return {
        name: add_customer(
            db_session,
            name,
            csm_owner=owner,
            plan=plan,
            industry=industry,
            arr=arr,
            renewal_date=renewal,
        )
        for name, owner, plan, industry, arr, renewal in rows
    }
