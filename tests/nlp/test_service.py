from collections.abc import Sequence

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.config import Settings, get_settings
from cspersona.conversations.models import Message
from cspersona.nlp import service
from cspersona.nlp.engine import NlpEngine
from cspersona.nlp.models import MessageAnalysis, Topic
from cspersona.nlp.registry import AnalyzerRegistry
from cspersona.nlp.sentiment import Sentiment, VaderSentiment
from tests.factories import add_customer, add_interaction


class ConstantSentiment(VaderSentiment):
    """A stand-in whose version a test can bump."""

    name = "constant"

    def __init__(self, version: str) -> None:
        super().__init__()
        self.version = version

    def analyze_batch(self, texts: Sequence[str]) -> list[Sentiment]:
        return [Sentiment("negative", -0.5)] * len(texts)


def constant_engine(version: str, settings: Settings) -> NlpEngine:
    return NlpEngine(AnalyzerRegistry([ConstantSentiment(version)]), settings=settings)


def test_analyze_pending_stores_every_signal_once(db_session: Session) -> None:
    customer = add_customer(db_session, "Acme Analytics")
    interaction = add_interaction(db_session, customer, messages=3)
    interaction.messages[0].text = (
        "Acme Analytics: the REST API returns HTTP 429 again. This is unacceptable!\n"
        "On Mon, Bob wrote:\n> old quote"
    )
    db_session.flush()
    progress: list[tuple[int, int]] = []

    count = service.analyze_pending(
        db_session=db_session, settings=get_settings(), progress=lambda *p: progress.append(p)
    )

    assert count == 3
    assert progress[-1] == (3, 3)
    first = db_session.scalars(
        select(MessageAnalysis).where(MessageAnalysis.message_id == interaction.messages[0].id)
    ).one()
    assert first.sentiment_label == "negative"
    assert -1 <= first.sentiment_score < 0
    assert set(first.emotions) == {
        "frustration",
        "anger",
        "confusion",
        "urgency",
        "satisfaction",
        "gratitude",
    }
    assert {entity["type"] for entity in first.entities} >= {"COMPANY", "FEATURE", "ERROR_CODE"}
    assert first.language == "en"
    assert first.sophistication is not None and 0 <= first.sophistication <= 1
    assert first.cleaned_text is not None and "old quote" not in first.cleaned_text
    assert set(first.analyser_versions) == {
        "cleaning",
        "sentiment",
        "emotions",
        "entities",
        "language",
        "sophistication",
    }
    assert service.analyze_pending(db_session=db_session, settings=get_settings()) == 0


def test_only_new_and_outdated_messages_are_analysed(db_session: Session) -> None:
    settings = get_settings()
    customer = add_customer(db_session, "Beta")
    add_interaction(db_session, customer, messages=2)
    assert (
        service.analyze_pending(
            db_session=db_session, settings=settings, engine=constant_engine("1", settings)
        )
        == 2
    )
    topic = Topic(model_version="t1", number=0, name="exports", key_phrases=["exports"], size=1)
    db_session.add(topic)
    db_session.flush()
    row = db_session.scalars(select(MessageAnalysis)).first()
    assert row is not None
    row.topic_id = topic.id
    add_interaction(db_session, customer, messages=1)

    assert (
        service.analyze_pending(
            db_session=db_session, settings=settings, engine=constant_engine("1", settings)
        )
        == 1
    )
    assert (
        service.analyze_pending(
            db_session=db_session, settings=settings, engine=constant_engine("2", settings)
        )
        == 3
    )
    rows = db_session.scalars(select(MessageAnalysis)).all()
    assert len(rows) == len(db_session.scalars(select(Message.id)).all()) == 3
    assert {row.analyser_versions["sentiment"] for row in rows} == {"constant@2"}
    assert topic.id in {row.topic_id for row in rows}


@pytest.mark.parametrize("batch_size", [1, 2])
def test_batches_cover_every_message(db_session: Session, batch_size: int) -> None:
    settings = get_settings()
    add_interaction(db_session, add_customer(db_session, "Gamma"), messages=3)

    assert (
        service.analyze_pending(
            db_session=db_session,
            settings=settings,
            batch_size=batch_size,
            engine=constant_engine("1", settings),
        )
        == 3
    )
