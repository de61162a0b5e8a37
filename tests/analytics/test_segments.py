from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from cspersona.analytics import service
from cspersona.conversations.models import AuthorRole, Interaction
from cspersona.nlp.models import MessageAnalysis, Topic
from tests.factories import START, add_conversation, add_customer, add_topic


def _set_topic(db_session: Session, interaction: Interaction, topic: Topic) -> None:
    messages = [message.id for message in interaction.messages]
    db_session.execute(
        update(MessageAnalysis).where(MessageAnalysis.message_id.in_(messages)),
        {"topic_id": topic.id},
    )


def test_repeat_topics_are_named_never_numbered(db_session: Session) -> None:
    customer = add_customer(db_session, "Acme")
    sso = add_topic(db_session, "SSO login", number=3)
    billing = add_topic(db_session, "Invoice & billing", number=5)
    for day, (text, topic) in enumerate(
        [
            ("SSO login fails for the sales team.", sso),
            ("The invoice shows too many seats.", billing),
            ("SSO login fails again after the certificate rotation.", sso),
        ]
    ):
        ticket = add_conversation(
            db_session,
            customer,
            [(AuthorRole.CUSTOMER, text, -0.3)],
            started_at=START + timedelta(days=day),
        )
        _set_topic(db_session, ticket, topic)

    summary = service.customer_summary(db_session=db_session, customer_id=customer.id)

    assert summary.segment.repeat_topics == ["SSO login"]
