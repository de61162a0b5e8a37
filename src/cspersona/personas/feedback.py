"""CSM feedback on personas: a verdict on a customer's current persona."""

from sqlalchemy.orm import Session

from cspersona.personas.models import PersonaFeedback
from cspersona.personas.service import current_mapping


def add_feedback(
    *,
    db_session: Session,
    customer_id: int,
    user_id: int | None,
    agree: bool,
    comment: str | None = None,
) -> PersonaFeedback:
    """Record a CSM's verdict on the customer's current persona."""
    mapping = current_mapping(db_session=db_session, customer_id=customer_id)
    feedback = PersonaFeedback(
        customer_id=customer_id,
        persona_id=mapping.persona_id,
        user_id=user_id,
        agree=agree,
        comment=comment,
    )
    db_session.add(feedback)
    db_session.flush()
    return feedback
