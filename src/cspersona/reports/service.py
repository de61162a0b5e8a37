"""Summaries over the stage tables for the dashboard: one query each, narrowed to what a user sees.

A customer's current persona is their newest mapping (highest id); the current personas are those
some customer is currently mapped to. A customer's current churn score for a horizon is its
newest row for that horizon.
"""

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, String, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from cspersona.auth.policy import Principal, visible_customers
from cspersona.conversations.models import AuthorRole, Interaction, Message
from cspersona.customers.models import Customer
from cspersona.nlp.models import MessageAnalysis, Topic
from cspersona.personas.models import Persona, PersonaMapping, PersonaSnapshot
from cspersona.predict.models import ChurnScore
from cspersona.reports.schemas import (
    Member,
    MonthlySentiment,
    PersonaAssignment,
    PersonaPoint,
    PersonaSize,
    Quote,
    RiskBucket,
    RiskRow,
    RiskSort,
    TimelineEntry,
    TopicShare,
)

HORIZONS = (30, 60, 90)
RISK_BUCKETS = 10
QUOTE_LENGTH = 280


def _current_mapping_ids() -> Select[int]:
    """The id of each customer's newest persona mapping."""
    return select(func.max(PersonaMapping.id)).group_by(PersonaMapping.customer_id)


def _current_mappings() -> Select[Customer, PersonaMapping, Persona]:
    """Customers joined to their current mapping and persona."""
    return (
        select(Customer, PersonaMapping, Persona)
        .join(PersonaMapping, PersonaMapping.customer_id == Customer.id)
        .join(Persona, Persona.id == PersonaMapping.persona_id)
        .where(PersonaMapping.id.in_(_current_mapping_ids()))
    )


def persona_sizes(*, db_session: Session, visible_to: Principal) -> list[PersonaSize]:
    """Each current persona's customers and revenue share, largest first."""
    arr = func.coalesce(func.sum(Customer.arr), 0.0)
    statement = visible_customers(
        _current_mappings()
        .with_only_columns(Persona.id, Persona.name, func.count(Customer.id), arr)
        .group_by(Persona.id, Persona.name)
        .order_by(func.count(Customer.id).desc(), Persona.id),
        visible_to,
    )
    rows = db_session.execute(statement).all()
    total = sum(revenue or 0.0 for _, _, _, revenue in rows) or 1.0
    return [
        PersonaSize(
            persona_id=persona_id,
            name=name,
            customers=count,
            arr=revenue or 0.0,
            arr_share=(revenue or 0.0) / total,
        )
        for persona_id, name, count, revenue in rows
    ]


def _current_score_ids(horizon: int) -> Select[int]:
    """The id of each customer's newest score for ``horizon``."""
    return (
        select(func.max(ChurnScore.id))
        .where(ChurnScore.horizon_days == horizon)
        .group_by(ChurnScore.customer_id)
    )


def risk_distribution(
    *, db_session: Session, visible_to: Principal, horizon: int
) -> list[RiskBucket]:
    """How many customers fall in each tenth of churn probability for ``horizon``."""
    statement = visible_customers(
        select(ChurnScore.probability)
        .join(Customer, Customer.id == ChurnScore.customer_id)
        .where(ChurnScore.id.in_(_current_score_ids(horizon))),
        visible_to,
    )
    counts = [0] * RISK_BUCKETS
    for probability in db_session.scalars(statement):
        counts[min(int(probability * RISK_BUCKETS), RISK_BUCKETS - 1)] += 1
    if not any(counts):
        return []
    return [
        RiskBucket(low=index / RISK_BUCKETS, high=(index + 1) / RISK_BUCKETS, customers=count)
        for index, count in enumerate(counts)
    ]


def _month(db_session: Session, column: InstrumentedAttribute[datetime]) -> ColumnElement[str]:
    """``YYYY-MM`` of a UTC timestamp column, spelt for the session's database."""
    if db_session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.substr(func.cast(column, String), 1, 7)


# (database, CSM scope, analysis count, newest analysis id) -> months; see sentiment_by_month.
SENTIMENT_CACHE_SIZE = 64
_sentiment_cache: dict[tuple[str, str | None, int, int], list[MonthlySentiment]] = {}


def sentiment_by_month(*, db_session: Session, visible_to: Principal) -> list[MonthlySentiment]:
    """Mean sentiment of customer-authored messages per month, oldest first.

    The aggregate reads every analysed message, so it is kept per database and scope until the
    message_analysis table changes (its row count or newest id), which only the NLP stage does.
    """
    count, newest = db_session.execute(
        select(func.count(), func.coalesce(func.max(MessageAnalysis.id), 0)).select_from(
            MessageAnalysis
        )
    ).one()
    scope = None if visible_to.sees_all_customers else visible_to.csm_owner
    key = (str(db_session.get_bind().engine.url), scope, count, newest)
    if key not in _sentiment_cache:
        if len(_sentiment_cache) >= SENTIMENT_CACHE_SIZE:
            _sentiment_cache.clear()
        _sentiment_cache[key] = _sentiment_by_month(db_session, visible_to) if count else []
    return _sentiment_cache[key]


def _sentiment_by_month(db_session: Session, visible_to: Principal) -> list[MonthlySentiment]:
    month = _month(db_session, Message.sent_at).label("month")
    statement = visible_customers(
        select(month, func.avg(MessageAnalysis.sentiment_score), func.count())
        .select_from(MessageAnalysis)
        .join(Message, Message.id == MessageAnalysis.message_id)
        .join(Interaction, Interaction.id == Message.interaction_id)
        .join(Customer, Customer.id == Interaction.customer_id)
        .where(Message.author_role == AuthorRole.CUSTOMER)
        .group_by(month)
        .order_by(month),
        visible_to,
    )
    return [
        MonthlySentiment(month=name, mean_score=float(score), messages=count)
        for name, score, count in db_session.execute(statement)
    ]


def persona_points(*, db_session: Session, visible_to: Principal) -> list[PersonaPoint]:
    """Every visible customer of a current persona at the map position the persona model gave."""
    statement = visible_customers(
        _current_mappings()
        .with_only_columns(
            Customer.id,
            Customer.company_name,
            Persona.id,
            Persona.name,
            PersonaMapping.confidence_score,
            PersonaMapping.map_x,
            PersonaMapping.map_y,
        )
        .where(PersonaMapping.map_x.is_not(None), PersonaMapping.map_y.is_not(None)),
        visible_to,
    ).order_by(Persona.id, PersonaMapping.confidence_score.desc(), Customer.id)
    return [
        PersonaPoint(
            customer_id=customer_id,
            company_name=company_name,
            persona_id=persona_id,
            persona_name=persona_name,
            confidence=confidence,
            x=x,
            y=y,
        )
        for customer_id, company_name, persona_id, persona_name, confidence, x, y in (
            db_session.execute(statement)
        )
    ]


def get_personas(*, db_session: Session) -> Sequence[Persona]:
    """The current personas by id."""
    current = select(PersonaMapping.persona_id).where(PersonaMapping.id.in_(_current_mapping_ids()))
    return db_session.scalars(
        select(Persona).where(Persona.id.in_(current)).order_by(Persona.id)
    ).all()


def persona_members(
    *, db_session: Session, persona_id: int, visible_to: Principal, limit: int
) -> tuple[list[Member], int]:
    """The visible customers now mapped to a persona, best fit first, and how many there are."""
    statement = visible_customers(
        _current_mappings()
        .with_only_columns(
            Customer.id, Customer.company_name, Customer.arr, PersonaMapping.confidence_score
        )
        .where(PersonaMapping.persona_id == persona_id),
        visible_to,
    )
    total = db_session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    rows = db_session.execute(
        statement.order_by(PersonaMapping.confidence_score.desc(), Customer.id).limit(limit)
    )
    members = [
        Member(customer_id=row[0], company_name=row[1], arr=row[2], confidence=row[3])
        for row in rows
    ]
    return members, total


def _persona_messages(persona_id: int, visible_to: Principal) -> Select[MessageAnalysis]:
    """Analysed customer-authored messages of the persona's current, visible members."""
    return visible_customers(
        select(MessageAnalysis)
        .join(Message, Message.id == MessageAnalysis.message_id)
        .join(Interaction, Interaction.id == Message.interaction_id)
        .join(Customer, Customer.id == Interaction.customer_id)
        .join(PersonaMapping, PersonaMapping.customer_id == Customer.id)
        .where(PersonaMapping.id.in_(_current_mapping_ids()))
        .where(PersonaMapping.persona_id == persona_id)
        .where(Message.author_role == AuthorRole.CUSTOMER),
        visible_to,
    )


def persona_quotes(
    *, db_session: Session, persona_id: int, visible_to: Principal, limit: int = 5
) -> list[Quote]:
    """The members' most strongly felt messages, one per customer, strongest first."""
    statement = (
        _persona_messages(persona_id, visible_to)
        .with_only_columns(Customer.company_name, Message.text, MessageAnalysis.sentiment_score)
        .order_by(func.abs(MessageAnalysis.sentiment_score).desc(), Message.id)
        .limit(limit * 10)
    )
    quotes: dict[str, Quote] = {}
    for company_name, text, score in db_session.execute(statement):
        if company_name not in quotes and len(quotes) < limit:
            quotes[company_name] = Quote(
                company_name=company_name, text=_shorten(text), sentiment_score=score
            )
    return list(quotes.values())


def _shorten(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= QUOTE_LENGTH else flat[: QUOTE_LENGTH - 1].rstrip() + "…"


def persona_topics(
    *, db_session: Session, persona_id: int, visible_to: Principal, limit: int = 8
) -> list[TopicShare]:
    """The topics the persona's members write about most."""
    statement = (
        _persona_messages(persona_id, visible_to)
        .join(Topic, Topic.id == MessageAnalysis.topic_id)
        .with_only_columns(Topic.name, func.count())
        .group_by(Topic.id, Topic.name)
        .order_by(func.count().desc(), Topic.name)
        .limit(limit)
    )
    return [TopicShare(name=name, messages=count) for name, count in db_session.execute(statement)]


RISK_ORDER: dict[RiskSort, InstrumentedAttribute[Any]] = {
    RiskSort.PROBABILITY: ChurnScore.probability,
    RiskSort.ARR: Customer.arr,
    RiskSort.COMPANY_NAME: Customer.company_name,
}


def churn_risk(
    *,
    db_session: Session,
    visible_to: Principal,
    horizon: int,
    persona_id: int | None = None,
    sort: RiskSort = RiskSort.PROBABILITY,
    descending: bool = True,
    limit: int,
    offset: int = 0,
) -> tuple[list[RiskRow], int]:
    """Customers' current churn scores for ``horizon``, sorted, one page, and the total."""
    current = (
        select(PersonaMapping.customer_id, Persona.id.label("persona_id"), Persona.name)
        .join(Persona, Persona.id == PersonaMapping.persona_id)
        .where(PersonaMapping.id.in_(_current_mapping_ids()))
        .subquery()
    )
    statement = visible_customers(
        select(ChurnScore, Customer.company_name, Customer.arr, current.c.name)
        .join(Customer, Customer.id == ChurnScore.customer_id)
        .outerjoin(current, current.c.customer_id == Customer.id)
        .where(ChurnScore.id.in_(_current_score_ids(horizon))),
        visible_to,
    )
    if persona_id is not None:
        statement = statement.where(current.c.persona_id == persona_id)
    total = db_session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    column = RISK_ORDER[sort]
    ordered = column.desc() if descending else column.asc()
    rows = db_session.execute(
        statement.order_by(ordered.nulls_last(), ChurnScore.customer_id).limit(limit).offset(offset)
    )
    return [
        RiskRow(
            customer_id=score.customer_id,
            company_name=company_name,
            arr=arr,
            persona_name=persona_name,
            horizon_days=score.horizon_days,
            probability=score.probability,
            probability_low=score.probability_low,
            probability_high=score.probability_high,
            drivers=[driver for driver in score.drivers if isinstance(driver, dict)],
            interventions=[item for item in score.interventions if isinstance(item, dict)],
        )
        for score, company_name, arr, persona_name in rows
    ], total


def has_churn_scores(*, db_session: Session) -> bool:
    """Whether the churn stage has scored anyone yet."""
    return bool(db_session.scalar(select(ChurnScore.id).limit(1)))


def customer_scores(*, db_session: Session, customer_id: int) -> list[ChurnScore]:
    """A customer's current score per horizon, shortest horizon first."""
    newest = (
        select(func.max(ChurnScore.id))
        .where(ChurnScore.customer_id == customer_id)
        .group_by(ChurnScore.horizon_days)
    )
    return list(
        db_session.scalars(
            select(ChurnScore).where(ChurnScore.id.in_(newest)).order_by(ChurnScore.horizon_days)
        )
    )


def persona_history(*, db_session: Session, customer_id: int) -> list[PersonaAssignment]:
    """The customer's persona at every persona run (its snapshots), newest first."""
    rows = db_session.execute(
        select(PersonaSnapshot, Persona.name)
        .join(Persona, Persona.id == PersonaSnapshot.persona_id)
        .where(PersonaSnapshot.customer_id == customer_id)
        .order_by(PersonaSnapshot.taken_at.desc(), PersonaSnapshot.id.desc())
    )
    return [
        PersonaAssignment(
            persona_id=snapshot.persona_id,
            persona_name=name,
            model_version=snapshot.model_version,
            confidence=snapshot.confidence,
            assigned_at=snapshot.taken_at,
        )
        for snapshot, name in rows
    ]


def timeline(*, db_session: Session, customer_id: int, limit: int) -> list[TimelineEntry]:
    """A customer's latest conversations with the mean sentiment of the customer's messages."""
    customer_sentiment = func.avg(MessageAnalysis.sentiment_score).filter(
        Message.author_role == AuthorRole.CUSTOMER
    )
    rows = db_session.execute(
        select(Interaction, func.count(Message.id), customer_sentiment)
        .outerjoin(Message, Message.interaction_id == Interaction.id)
        .outerjoin(MessageAnalysis, MessageAnalysis.message_id == Message.id)
        .where(Interaction.customer_id == customer_id)
        .group_by(Interaction.id)
        .order_by(Interaction.started_at.desc(), Interaction.id.desc())
        .limit(limit)
    )
    return [
        TimelineEntry(
            interaction_id=interaction.id,
            started_at=interaction.started_at,
            type=str(interaction.type),
            subject=interaction.subject,
            messages=count,
            sentiment_score=None if score is None or math.isnan(score) else float(score),
        )
        for interaction, count, score in rows
    ]
