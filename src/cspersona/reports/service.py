"""Summaries over the stage tables for the dashboard, narrowed to what a user sees.

Summaries of every customer derive from the cached read models (each customer's current persona
in :mod:`cspersona.personas.current`, the churn ranking in :mod:`cspersona.predict.insights`),
filtered per caller; aggregates that must be computed per book (sentiment, a persona's topics and
quotes) are cached per book in the same cache. One customer's own rows are read directly.
"""

import math
from collections import Counter, defaultdict
from datetime import datetime
from itertools import groupby

from sqlalchemy import ColumnElement, Select, String, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from cspersona.auth.models import Role
from cspersona.auth.policy import Principal, sees_book
from cspersona.conversations.hygiene import without_greeting
from cspersona.conversations.models import AuthorRole, Interaction, Message
from cspersona.customers.access import visible_customers
from cspersona.customers.models import Customer
from cspersona.customers.status import statuses
from cspersona.db.cache import read_models
from cspersona.nlp.models import MessageAnalysis, Topic
from cspersona.personas.current import (
    MAPPINGS_WATCHED,
    CurrentPersona,
    current_personas,
    persona_catalogue,
)
from cspersona.personas.models import Persona, PersonaMapping, PersonaSnapshot
from cspersona.personas.schemas import PersonaSummary
from cspersona.predict.insights import narrow, ranked_churn, ranked_expansion
from cspersona.predict.models import ChurnScore
from cspersona.reports.schemas import (
    Member,
    MonthlySentiment,
    PersonaAssignment,
    PersonaPoint,
    PersonaSize,
    Quote,
    RiskBucket,
    TimelineEntry,
    TopicShare,
)

HORIZONS = (30, 60, 90)
RISK_BUCKETS = 10
RISK_STEPS = (0.005, 0.01, 0.02, 0.025, 0.05, 0.1)
QUOTE_LENGTH = 280


def persona_sizes(*, db_session: Session, visible_to: Principal) -> list[PersonaSize]:
    """Each current persona's customers and revenue share, largest first."""
    names: dict[int, str] = {}
    counts: Counter[int] = Counter()
    revenue: dict[int, float] = defaultdict(float)
    for member in _visible_members(db_session, visible_to):
        names[member.persona_id] = member.persona_name
        counts[member.persona_id] += 1
        revenue[member.persona_id] += member.arr or 0.0
    total = sum(revenue.values()) or 1.0
    return [
        PersonaSize(
            persona_id=persona_id,
            name=names[persona_id],
            customers=counts[persona_id],
            arr=revenue[persona_id],
            arr_share=revenue[persona_id] / total,
        )
        for persona_id in sorted(names, key=lambda persona_id: (-counts[persona_id], persona_id))
    ]


def _visible_members(db_session: Session, visible_to: Principal) -> list[CurrentPersona]:
    """Current persona mappings of the customers the caller may see."""
    return [
        member
        for member in current_personas(db_session=db_session).values()
        if sees_book(visible_to, member.csm_owner)
    ]


def risk_distribution(
    *, db_session: Session, visible_to: Principal, horizon: int
) -> list[RiskBucket]:
    """How many customers fall in each bin of churn probability for ``horizon``.

    The bins cover the scores' real range in at most ten round steps (1%, 2%, 5%, 10%, ...), so a
    book that all scores under 10% is not one bar.
    """
    probabilities = [
        row.probability
        for row in narrow(ranked_churn(db_session=db_session, horizon_days=horizon), visible_to)
    ]
    if not probabilities:
        return []
    highest = max(probabilities)
    step = next(
        (step for step in RISK_STEPS if math.ceil(highest / step) <= RISK_BUCKETS), RISK_STEPS[-1]
    )
    bins = max(1, math.ceil(round(highest / step, 9)))
    counts = [0] * bins
    for probability in probabilities:
        counts[min(int(probability / step), bins - 1)] += 1
    return [
        RiskBucket(low=round(index * step, 4), high=round((index + 1) * step, 4), customers=count)
        for index, count in enumerate(counts)
    ]


# Whole-book read models are computed for everyone who may see every customer, not for a person.
WHOLE_BOOK = Principal(
    user_id=0, user_name="read models", role=Role.ADMIN, csm_owner=None, key_id=0
)


def warm_read_models(*, db_session: Session) -> None:
    """Compute the whole-book read models, so the first requests after a start need not wait."""
    for horizon in HORIZONS:
        ranked_churn(db_session=db_session, horizon_days=horizon)
    ranked_expansion(db_session=db_session)
    sentiment_by_month(db_session=db_session, visible_to=WHOLE_BOOK)
    for persona in get_personas(db_session=db_session):
        persona_topics(db_session=db_session, persona_id=persona.id, visible_to=WHOLE_BOOK)


def _month(db_session: Session, column: InstrumentedAttribute[datetime]) -> ColumnElement[str]:
    """``YYYY-MM`` of a UTC timestamp column, spelt for the session's database."""
    if db_session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.substr(func.cast(column, String), 1, 7)


def sentiment_by_month(*, db_session: Session, visible_to: Principal) -> list[MonthlySentiment]:
    """Mean sentiment of customer-authored messages per month, oldest first.

    The aggregate reads every analysed message, so it is cached per book until the NLP stage
    writes new analysis.
    """
    return read_models.get(
        db_session,
        ("sentiment_by_month", _book(visible_to)),
        (MessageAnalysis.analysed_at,),
        lambda: _sentiment_by_month(db_session, visible_to),
    )


def _book(visible_to: Principal) -> str | None:
    """The key of the customers the caller sees for aggregates cached per book (None: all)."""
    return None if visible_to.sees_all_customers else visible_to.csm_owner


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
    return [
        PersonaPoint.model_validate(member)
        for member in _visible_members(db_session, visible_to)
        if member.map_x is not None and member.map_y is not None
    ]


def get_personas(*, db_session: Session) -> list[PersonaSummary]:
    """The current personas (some customer is mapped to them now) by id."""
    current = {member.persona_id for member in current_personas(db_session=db_session).values()}
    summaries = persona_catalogue(db_session=db_session).summaries
    return [summaries[persona_id] for persona_id in sorted(current)]


def persona_members(
    *, db_session: Session, persona_id: int, visible_to: Principal, limit: int
) -> tuple[list[Member], int]:
    """The visible customers now mapped to a persona, best fit first, each with its status."""
    members = [
        member
        for member in _visible_members(db_session, visible_to)
        if member.persona_id == persona_id
    ]
    shown = members[:limit]
    customers = db_session.scalars(
        select(Customer).where(Customer.id.in_([member.customer_id for member in shown]))
    )
    found = statuses(db_session=db_session, customers=customers)
    return [
        Member.model_validate(member).model_copy(update={"status": found[member.customer_id]})
        for member in shown
    ], len(members)


# A persona's messages change with new analysis, new topics (the topic stage inserts a topic model
# version and relabels messages) and new persona mappings.
PERSONA_MESSAGES_WATCHED = (MessageAnalysis.analysed_at, Topic.created_at, *MAPPINGS_WATCHED)


def _persona_messages(persona_id: int, visible_to: Principal) -> Select[MessageAnalysis]:
    """Analysed customer-authored messages of the persona's current, visible members."""
    newest = select(func.max(PersonaMapping.id)).group_by(PersonaMapping.customer_id)
    return visible_customers(
        select(MessageAnalysis)
        .join(Message, Message.id == MessageAnalysis.message_id)
        .join(Interaction, Interaction.id == Message.interaction_id)
        .join(Customer, Customer.id == Interaction.customer_id)
        .join(PersonaMapping, PersonaMapping.customer_id == Customer.id)
        .where(PersonaMapping.id.in_(newest))
        .where(PersonaMapping.persona_id == persona_id)
        .where(Message.author_role == AuthorRole.CUSTOMER),
        visible_to,
    )


def persona_quotes(
    *, db_session: Session, persona_id: int, visible_to: Principal, limit: int = 5
) -> list[Quote]:
    """The members' most strongly felt messages, one per customer, strongest first."""
    return read_models.get(
        db_session,
        ("persona_quotes", persona_id, _book(visible_to), limit),
        PERSONA_MESSAGES_WATCHED,
        lambda: _persona_quotes(db_session, persona_id, visible_to, limit),
    )


def _persona_quotes(
    db_session: Session, persona_id: int, visible_to: Principal, limit: int
) -> list[Quote]:
    statement = (
        _persona_messages(persona_id, visible_to)
        .with_only_columns(Customer.company_name, Message.body, MessageAnalysis.sentiment_score)
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
    flat = " ".join(without_greeting(text).split())
    return flat if len(flat) <= QUOTE_LENGTH else flat[: QUOTE_LENGTH - 1].rstrip() + "…"


def persona_topics(
    *, db_session: Session, persona_id: int, visible_to: Principal, limit: int = 8
) -> list[TopicShare]:
    """The topics the persona's members write about most."""
    return read_models.get(
        db_session,
        ("persona_topics", persona_id, _book(visible_to), limit),
        PERSONA_MESSAGES_WATCHED,
        lambda: _persona_topics(db_session, persona_id, visible_to, limit),
    )


def _persona_topics(
    db_session: Session, persona_id: int, visible_to: Principal, limit: int
) -> list[TopicShare]:
    statement = (
        _persona_messages(persona_id, visible_to)
        .join(Topic, Topic.id == MessageAnalysis.topic_id)
        .with_only_columns(Topic.name, func.count())
        .group_by(Topic.id, Topic.name)
        .order_by(func.count().desc(), Topic.name)
        .limit(limit)
    )
    return [TopicShare(name=name, messages=count) for name, count in db_session.execute(statement)]


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
    """The customer's personas, newest first: one entry per stretch of runs with one persona.

    Every pipeline run snapshots every customer, so consecutive snapshots of the same persona
    and model read as one entry, dated by its first run, with its newest confidence.
    """
    rows = db_session.execute(
        select(
            PersonaSnapshot.persona_id,
            Persona.name.label("persona_name"),
            PersonaSnapshot.model_version,
            PersonaSnapshot.confidence,
            PersonaSnapshot.taken_at.label("assigned_at"),
        )
        .join(Persona, Persona.id == PersonaSnapshot.persona_id)
        .where(PersonaSnapshot.customer_id == customer_id)
        .order_by(PersonaSnapshot.taken_at.desc(), PersonaSnapshot.id.desc())
    )
    stretches = groupby(rows, key=lambda row: (row.persona_id, row.model_version))
    history = []
    for _, stretch in stretches:
        newest, *older = stretch
        first = older[-1] if older else newest
        history.append(
            PersonaAssignment.model_validate(newest).model_copy(
                update={"assigned_at": first.assigned_at}
            )
        )
    return history


def timeline(*, db_session: Session, customer_id: int, limit: int) -> list[TimelineEntry]:
    """A customer's latest conversations with the mean sentiment of the customer's messages."""
    customer_sentiment = func.avg(MessageAnalysis.sentiment_score).filter(
        Message.author_role == AuthorRole.CUSTOMER
    )
    # Columns, not Interaction objects: building a hundred ORM objects cost three times the query.
    rows = db_session.execute(
        select(
            Interaction.id,
            Interaction.started_at,
            Interaction.type,
            Interaction.subject,
            func.count(Message.id),
            customer_sentiment,
        )
        .outerjoin(Message, Message.interaction_id == Interaction.id)
        .outerjoin(MessageAnalysis, MessageAnalysis.message_id == Message.id)
        .where(Interaction.customer_id == customer_id)
        .group_by(Interaction.id)
        .order_by(Interaction.started_at.desc(), Interaction.id.desc())
        .limit(limit)
    )
    return [
        TimelineEntry(
            interaction_id=interaction_id,
            started_at=started_at,
            type=str(kind),
            subject=subject,
            messages=count,
            sentiment_score=None if score is None or math.isnan(score) else float(score),
        )
        for interaction_id, started_at, kind, subject, count, score in rows
    ]
