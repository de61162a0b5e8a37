"""The NLP stage on the database: analyse messages not yet analysed by the current analysers."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from cspersona.catalogue.models import load_catalogue
from cspersona.config import Settings
from cspersona.conversations.models import AuthorRole, Message
from cspersona.customers.models import Customer
from cspersona.nlp.engine import NlpEngine, default_registry
from cspersona.nlp.models import MessageAnalysis, Topic
from cspersona.nlp.topics import conversation_topics

ProgressCallback = Callable[[int, int], None]


def engine_for(*, db_session: Session, settings: Settings) -> NlpEngine:
    """The configured engine, with the customers' company names as entities."""
    company_names = db_session.scalars(select(Customer.company_name).distinct()).all()
    registry = default_registry(
        settings,
        catalogue=load_catalogue(settings.catalogue_path),
        company_names=sorted(name for name in company_names if name),
    )
    return NlpEngine(registry, settings=settings)


def pending_message_ids(*, db_session: Session, versions: dict[str, str]) -> list[int]:
    """Messages with no analysis, or one made by other analyser versions, in id order."""
    rows = db_session.execute(
        select(Message.id, MessageAnalysis.analyser_versions)
        .outerjoin(MessageAnalysis, MessageAnalysis.message_id == Message.id)
        .order_by(Message.id)
    )
    return [message_id for message_id, stored in rows if stored != versions]


def analyze_pending(
    *,
    db_session: Session,
    settings: Settings,
    progress: ProgressCallback | None = None,
    batch_size: int | None = None,
    engine: NlpEngine | None = None,
) -> int:
    """Analyse and store every pending message in batches; returns how many were analysed.

    Re-analysed messages keep their topic; their other fields are replaced.
    """
    if engine is None:
        with engine_for(db_session=db_session, settings=settings) as own_engine:
            return analyze_pending(
                db_session=db_session,
                settings=settings,
                progress=progress,
                batch_size=batch_size,
                engine=own_engine,
            )
    versions = engine.versions
    pending = pending_message_ids(db_session=db_session, versions=versions)
    done = 0
    size = batch_size or settings.nlp_batch_size
    for chunk in (pending[start : start + size] for start in range(0, len(pending), size)):
        texts: dict[int, str] = dict(
            db_session.execute(select(Message.id, Message.body).where(Message.id.in_(chunk))).all()
        )
        topics: dict[int, int | None] = dict(
            db_session.execute(
                select(MessageAnalysis.message_id, MessageAnalysis.topic_id).where(
                    MessageAnalysis.message_id.in_(chunk)
                )
            ).all()
        )
        if topics:
            db_session.execute(
                delete(MessageAnalysis).where(MessageAnalysis.message_id.in_(topics))
            )
        analysed_at = datetime.now(UTC)
        results = engine.analyze([texts[message_id] for message_id in chunk])
        rows: list[dict[str, Any]] = [
            {
                "message_id": message_id,
                "sentiment_label": result.sentiment.label,
                "sentiment_score": result.sentiment.score,
                "emotions": result.emotions,
                "entities": result.entities,
                "language": result.language,
                "sophistication": result.sophistication,
                "topic_id": topics.get(message_id),
                "cleaned_text": result.cleaned_text,
                "analyser_versions": versions,
                "analysed_at": analysed_at,
            }
            for message_id, result in zip(chunk, results, strict=True)
        ]
        db_session.execute(insert(MessageAnalysis), rows)
        done += len(chunk)
        if progress is not None:
            progress(done, len(pending))
    db_session.flush()
    return done


@dataclass(frozen=True)
class TopicAssignment:
    """What :func:`assign_topics` did: the topic-model version, its topics, messages assigned."""

    model_version: str | None
    topics: int
    messages: int


def assign_topics(
    *, db_session: Session, settings: Settings, n_topics: int | None = None
) -> TopicAssignment:
    """Discover topics in analysed customer messages, store them, and set each message's topic.

    Every customer message with text gets a topic of the new version, the one its conversation
    is about; earlier versions' topics stay in ``topics`` for history.
    """
    rows = db_session.execute(
        select(MessageAnalysis.id, MessageAnalysis.cleaned_text, Message.interaction_id)
        .join(Message, Message.id == MessageAnalysis.message_id)
        .where(Message.author_role == AuthorRole.CUSTOMER, MessageAnalysis.cleaned_text != "")
        .order_by(MessageAnalysis.id)
    ).all()
    if len(rows) < 2:
        return TopicAssignment(model_version=None, topics=0, messages=0)
    model = conversation_topics(n_topics, representation=settings.topics_backend).fit(
        [text or "" for _, text, _ in rows], groups=[interaction for _, _, interaction in rows]
    )
    versions = db_session.scalar(select(func.count(func.distinct(Topic.model_version)))) or 0
    model_version = f"{settings.topics_backend}-v{versions + 1}"
    topics = [
        Topic(
            model_version=model_version,
            number=info.number,
            name=info.name[:256],
            key_phrases=info.key_phrases,
            size=info.size,
        )
        for info in model.topics_
    ]
    db_session.add_all(topics)
    db_session.flush()
    db_session.execute(
        update(MessageAnalysis),
        [
            {"id": analysis_id, "topic_id": topics[int(label)].id}
            for (analysis_id, _, _), label in zip(rows, model.labels_, strict=True)
        ],
    )
    return TopicAssignment(model_version=model_version, topics=len(topics), messages=len(rows))
