"""Fine-tuning examples pair what the vendor said with the member customer's real reply."""

from sqlalchemy.orm import Session

from cspersona.chat.finetune import examples
from cspersona.personas.models import Persona, PersonaMapping
from tests.factories import add_customer, add_interaction


def test_each_customer_reply_is_paired_with_what_came_before(db_session: Session) -> None:
    persona = Persona(version=1, name="Talkers")
    db_session.add(persona)
    db_session.flush()
    customer = add_customer(db_session, "Talker Ltd")
    db_session.add(
        PersonaMapping(
            customer_id=customer.id, persona_id=persona.id, confidence_score=1, model_version="v1"
        )
    )
    add_interaction(db_session, customer, messages=4, subject="Export fails")
    outsider = add_customer(db_session, "Not A Member")
    add_interaction(db_session, outsider, messages=4)

    pairs = list(examples(db_session=db_session, persona=persona, redact=str.upper, limit=10))

    assert [(pair.context, pair.response) for pair in pairs] == [
        ("(THE CUSTOMER OPENS A CONVERSATION ABOUT: EXPORT FAILS)", "MESSAGE 0"),
        ("MESSAGE 1", "MESSAGE 2"),
    ]
    assert list(examples(db_session=db_session, persona=persona, redact=str, limit=1)) == [
        pairs[0].__class__(
            persona.id,
            "Talkers",
            "(The customer opens a conversation about: Export fails)",
            "message 0",
        )
    ]
