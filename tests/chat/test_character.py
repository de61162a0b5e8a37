"""Characters are measured on the member customers' own messages, not on persona names."""

from sqlalchemy.orm import Session

from cspersona.chat.character import load_character
from cspersona.nlp.models import MessageAnalysis, Topic
from cspersona.personas.models import Persona
from tests.chat.conftest import PRICE_MESSAGES, add_persona


def test_traits_follow_what_the_members_wrote(
    db_session: Session, price_persona: Persona, tech_persona: Persona
) -> None:
    price, price_messages = load_character(db_session=db_session, persona_id=price_persona.id)
    tech, _ = load_character(db_session=db_session, persona_id=tech_persona.id)

    assert price.traits["price_sensitivity"] > 0.8 > tech.traits["price_sensitivity"]
    assert tech.traits["technical"] > 0.8 > price.traits["technical"]
    assert price.traits["formality"] > tech.traits["formality"]
    assert price.register == "formal_plain" and tech.register == "casual_technical"
    assert price.concerns[0] == "pricing and renewal"
    assert price.member_count == 2 and len(price_messages) == 2 * len(PRICE_MESSAGES)
    assert all(0 <= value <= 1 for value in price.traits.values())


def test_the_name_does_not_matter(db_session: Session) -> None:
    misleading = add_persona(db_session, "Technical Tanya", PRICE_MESSAGES)

    character, _ = load_character(db_session=db_session, persona_id=misleading.id)

    assert character.traits["price_sensitivity"] > character.traits["technical"]


def test_nlp_analysis_is_used_when_present(db_session: Session, tech_persona: Persona) -> None:
    _, messages = load_character(db_session=db_session, persona_id=tech_persona.id)
    topic = Topic(model_version="t1", number=0, name="api rate limits")
    db_session.add(topic)
    db_session.flush()
    from sqlalchemy import select

    from cspersona.conversations.models import AuthorRole, Message

    for message in db_session.scalars(
        select(Message).where(Message.author_role == AuthorRole.CUSTOMER)
    ):
        db_session.add(
            MessageAnalysis(
                message_id=message.id,
                sentiment_label="negative",
                sentiment_score=-0.8,
                emotions={"frustration": 0.9},
                sophistication=0.2,
                topic_id=topic.id,
                cleaned_text=message.text.upper(),
                analyser_versions={},
            )
        )
    db_session.flush()

    character, analysed = load_character(db_session=db_session, persona_id=tech_persona.id)

    assert character.traits["technical"] == 0.2
    assert character.traits["baseline_sentiment"] == 0.1
    assert character.concerns == ("api rate limits",)
    assert character.emotions == {"frustration": 0.9}
    assert analysed[0].text.isupper() and len(analysed) == len(messages)
