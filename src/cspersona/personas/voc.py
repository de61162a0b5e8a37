"""What customers said, read once per build: their own messages with the NLP verdicts, and NPS.

Fidelity (:mod:`cspersona.personas.fidelity`) holds the latest part of it out, and citations
(:mod:`cspersona.personas.citations`) pick the messages that back a profile's claims from it.
"""

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import select, true
from sqlalchemy.orm import Session

from cspersona.analytics.history import EMOTIONS, read_nps
from cspersona.analytics.text_style import text_measures
from cspersona.conversations.models import AuthorRole, Interaction, Message
from cspersona.nlp.models import MessageAnalysis, Topic

MESSAGE_COLUMNS = [
    "message_id",
    "interaction_id",
    "interaction_type",
    "customer_id",
    "started_at",
    "body",
    "sentiment_score",
    "topic",
    "topic_name",
    *(f"emotion_{name}" for name in EMOTIONS),
]


@dataclass(frozen=True)
class CustomerVoice:
    """Customer-authored messages (with sentiment, topic, emotions, text measures) and NPS answers.

    ``messages`` has one row per message; ``started_at`` is its conversation's start, the time a
    hold-out cuts on. Messages the NLP stage has not analysed have NaN verdicts.
    """

    messages: pd.DataFrame
    nps: pd.DataFrame


def load_voice(*, db_session: Session, as_of: datetime | None = None) -> CustomerVoice:
    """Every customer's own messages and NPS answers from before ``as_of``."""
    before = true() if as_of is None else Message.sent_at < as_of
    rows = db_session.execute(
        select(
            Message.id,
            Message.interaction_id,
            Interaction.type,
            Interaction.customer_id,
            Interaction.started_at,
            Message.body,
            MessageAnalysis.sentiment_score,
            Topic.number,
            Topic.name,
            *(MessageAnalysis.emotions[name].as_float() for name in EMOTIONS),
        )
        .join(Interaction, Interaction.id == Message.interaction_id)
        .outerjoin(MessageAnalysis, MessageAnalysis.message_id == Message.id)
        .outerjoin(Topic, Topic.id == MessageAnalysis.topic_id)
        .where(Message.author_role == AuthorRole.CUSTOMER, before)
        .order_by(Message.id)
    ).all()
    messages = pd.DataFrame(rows, columns=MESSAGE_COLUMNS)
    messages["interaction_type"] = messages["interaction_type"].astype(str)
    messages["started_at"] = pd.to_datetime(messages["started_at"], utc=True)
    numeric = ["sentiment_score", "topic", *(f"emotion_{name}" for name in EMOTIONS)]
    messages[numeric] = messages[numeric].astype(float)
    messages = messages.join(text_measures(messages["body"]))
    return CustomerVoice(messages=messages, nps=read_nps(db_session=db_session, as_of=as_of))
