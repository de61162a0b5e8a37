from sqlalchemy import select

from cspersona.nlp.text_checks import text_problems
from cspersona.personas.explain import explain
from cspersona.personas.models import Persona, PersonaMapping
from tests.personas.conftest import Built


def test_explain_says_in_plain_words_why_a_customer_is_their_persona(
    built: Built,
) -> None:
    session, settings, _ = built
    mapping = session.scalars(select(PersonaMapping).order_by(PersonaMapping.id)).first()
    assert mapping is not None

    explanation = explain(db_session=session, settings=settings, customer_id=mapping.customer_id)

    persona = session.get(Persona, mapping.persona_id)
    assert persona is not None
    assert explanation.explanation.startswith(f"Customer {mapping.customer_id} is {persona.name}")
    assert explanation.reasons
    assert f"the clearest: {explanation.reasons[0].phrase}." in explanation.explanation
    assert text_problems(explanation.explanation) == []
    assert " its " not in explanation.explanation  # "its 89% of their conversations" misread
    assert explanation.alternatives[0].persona_id == persona.id
