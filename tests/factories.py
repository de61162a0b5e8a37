"""Rows for tests: customers with contacts, conversations and NPS answers."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from cspersona.conversations.models import AuthorRole, Interaction, InteractionType, Message
from cspersona.customers.models import Contact, Customer, NpsResponse, UsageDaily
from cspersona.nlp.models import MessageAnalysis
from cspersona.personas.models import Persona, PersonaMapping, PersonaSnapshot

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


def add_nps(
    db_session: Session, customer: Customer, *scores: int, answered_at: datetime = START
) -> None:
    """NPS answers with these scores."""
    db_session.add_all(
        NpsResponse(customer_id=customer.id, score=score, answered_at=answered_at)
        for score in scores
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


def add_usage_days(
    db_session: Session,
    customer: Customer,
    *,
    first_day: date,
    events: list[int],
    features: dict[str, int] | None = None,
) -> None:
    """Consecutive usage days from ``first_day``, one per entry of ``events``."""
    db_session.add_all(
        UsageDaily(
            customer_id=customer.id,
            day=first_day + timedelta(days=offset),
            active_users=max(count // 10, 1),
            logins=max(count // 5, 1),
            events=count,
            feature_adoption=dict(features or {}),
        )
        for offset, count in enumerate(events)
    )
    db_session.flush()


def sentiment_label(score: float) -> str:
    """The label the NLP stage would give a sentiment score."""
    if score < -0.2:
        return "negative"
    return "positive" if score > 0.2 else "neutral"


def add_conversation(
    db_session: Session,
    customer: Customer,
    turns: list[tuple[AuthorRole, str, float]],
    *,
    started_at: datetime = START,
    kind: InteractionType = InteractionType.TICKET,
    gap: timedelta = timedelta(hours=1),
    emotions: dict[int, dict[str, float]] | None = None,
    **fields: object,
) -> Interaction:
    """A conversation of ``(role, text, sentiment score)`` turns, each analysed as the NLP would.

    ``emotions`` maps a turn's position to its emotion scores (others get none).
    """
    interaction = Interaction(customer_id=customer.id, type=kind, started_at=started_at, **fields)
    interaction.messages = [
        Message(
            seq=seq,
            author_role=role,
            author_id=f"{role}-1",
            sent_at=started_at + gap * seq,
            text=text,
        )
        for seq, (role, text, _score) in enumerate(turns)
    ]
    db_session.add(interaction)
    db_session.flush()
    db_session.add_all(
        MessageAnalysis(
            message_id=message.id,
            sentiment_label="negative"
            if score < -0.2
            else "positive"
            if score > 0.2
            else "neutral",
            sentiment_score=score,
            emotions=(emotions or {}).get(message.seq, {}),
            sophistication=0.5,
        )
        for message, (_role, _text, score) in zip(interaction.messages, turns, strict=True)
    )
    db_session.flush()
    return interaction


def add_persona(
    db_session: Session, customers: list[Customer], name: str = "Cost-Conscious Carlos"
) -> Persona:
    """A persona holding ``customers`` (mapped and snapshotted under ``persona-v1``)."""
    persona = Persona(
        version=1,
        name=name,
        traits={"customers": len(customers), "share": {"customers": 0.5, "arr": 0.4}},
        narrative=f"{name} watches every invoice.",
    )
    db_session.add(persona)
    db_session.flush()
    for customer in customers:
        db_session.add(
            PersonaMapping(
                customer_id=customer.id,
                persona_id=persona.id,
                confidence_score=0.9,
                model_version="persona-v1",
                map_x=0.5,
                map_y=-1.0,
            )
        )
        db_session.add(
            PersonaSnapshot(
                customer_id=customer.id,
                persona_id=persona.id,
                confidence=0.9,
                model_version="persona-v1",
            )
        )
    db_session.flush()
    return persona
