"""Analytics operations on a session: analyse conversations incrementally, read the results."""

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from cspersona.analytics.dynamics import (
    ANALYSER_VERSION,
    EFFECT_MARGIN,
    Dynamics,
    Turn,
    analyse_turns,
)
from cspersona.analytics.features import feature_matrix
from cspersona.analytics.history import load_history
from cspersona.analytics.models import InteractionAnalysis
from cspersona.analytics.schemas import CustomerSummary
from cspersona.analytics.segments import segment_of
from cspersona.analytics.signals import signals_from_history
from cspersona.conversations.models import Interaction, Message
from cspersona.customers.models import Customer
from cspersona.db.types import utc_now
from cspersona.exceptions import NotFound
from cspersona.nlp.models import MessageAnalysis

ProgressCallback = Callable[[int, int], None]
BATCH_SIZE = 500


def pending_interactions(*, db_session: Session) -> list[int]:
    """Ids of conversations never analysed, analysed by older code, or changed since."""
    counts = (
        select(
            Message.interaction_id,
            func.count(Message.id).label("messages"),
            func.count(MessageAnalysis.id).label("analysed"),
            func.max(MessageAnalysis.analysed_at).label("verdicts_at"),
        )
        .outerjoin(MessageAnalysis, MessageAnalysis.message_id == Message.id)
        .group_by(Message.interaction_id)
        .subquery()
    )
    rows = db_session.execute(
        select(
            Interaction.id,
            func.coalesce(counts.c.messages, 0),
            func.coalesce(counts.c.analysed, 0),
            counts.c.verdicts_at,
            InteractionAnalysis.message_count,
            InteractionAnalysis.analysed_messages,
            InteractionAnalysis.verdicts_analysed_at,
            InteractionAnalysis.analyser_version,
        )
        .outerjoin(counts, counts.c.interaction_id == Interaction.id)
        .outerjoin(InteractionAnalysis, InteractionAnalysis.interaction_id == Interaction.id)
        .order_by(Interaction.id)
    ).all()
    return [
        interaction_id
        for interaction_id, messages, analysed, verdicts_at, *known in rows
        if tuple(known) != (messages, analysed, verdicts_at, ANALYSER_VERSION)
    ]


def load_turns(*, db_session: Session, interaction_ids: Sequence[int]) -> dict[int, list[Turn]]:
    """The turns of these conversations with their sentiment and emotions, in order."""
    rows = db_session.execute(
        select(
            Message.interaction_id,
            Message.id,
            Message.seq,
            Message.author_role,
            Message.sent_at,
            Message.body,
            MessageAnalysis.sentiment_score,
            MessageAnalysis.emotions,
        )
        .outerjoin(MessageAnalysis, MessageAnalysis.message_id == Message.id)
        .where(Message.interaction_id.in_(interaction_ids))
        .order_by(Message.interaction_id, Message.seq)
    )
    turns: dict[int, list[Turn]] = {interaction_id: [] for interaction_id in interaction_ids}
    for interaction_id, message_id, seq, role, sent_at, body, sentiment, emotions in rows:
        scores = emotions or {}
        turns[interaction_id].append(
            Turn(
                message_id=message_id,
                seq=seq,
                role=str(role),
                sent_at=sent_at,
                body=body,
                sentiment=sentiment,
                anger=_score(scores, "anger"),
                frustration=_score(scores, "frustration"),
            )
        )
    return turns


def _score(scores: dict[str, Any], name: str) -> float | None:
    """One emotion's score, if the analyser gave it."""
    value = scores.get(name)
    return None if value is None else float(value)


def _row(
    interaction: Interaction,
    turns: Sequence[Turn],
    dynamics: Dynamics,
    verdicts_at: datetime | None,
) -> dict[str, Any]:
    """The ``interaction_analysis`` row of one analysed conversation."""
    started_at, closed_at = interaction.started_at, interaction.closed_at
    sentiments = [turn.sentiment for turn in turns if turn.role == "customer"]
    scored = [value for value in sentiments if value is not None]
    deltas = [float(effect["delta"]) for effect in dynamics.reply_effects]  # type: ignore[arg-type]
    return {
        "interaction_id": interaction.id,
        "customer_id": interaction.customer_id,
        "trajectory": dynamics.trajectory,
        "sentiment_start": scored[0] if scored else None,
        "sentiment_end": scored[-1] if scored else None,
        "sentiment_min": min(scored) if scored else None,
        "escalated": dynamics.escalated,
        "escalation_seq": dynamics.escalation_seq,
        "escalation_message_id": dynamics.escalation_message_id,
        "escalated_at": dynamics.escalated_at,
        "escalation_trigger": dynamics.escalation_trigger,
        "escalation_reason": dynamics.escalation_reason,
        "recovered": dynamics.recovered,
        "reply_effects": dynamics.reply_effects,
        "reply_effect_mean": sum(deltas) / len(deltas) if deltas else None,
        "helpful_replies": sum(delta > EFFECT_MARGIN for delta in deltas),
        "harmful_replies": sum(delta < -EFFECT_MARGIN for delta in deltas),
        "first_response_hours": dynamics.first_response_hours,
        "resolution_hours": (closed_at - started_at).total_seconds() / 3_600
        if closed_at is not None
        else None,
        "message_count": len(turns),
        "analysed_messages": sum(turn.sentiment is not None for turn in turns),
        "verdicts_analysed_at": verdicts_at,
        "analyser_version": ANALYSER_VERSION,
        "analysed_at": utc_now(),
    }


def _batches(ids: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    """``ids`` in consecutive slices of ``size``."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def analyse_interactions(
    *,
    db_session: Session,
    progress: ProgressCallback | None = None,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Analyse the dynamics of every pending conversation; return how many were analysed."""
    pending = pending_interactions(db_session=db_session)
    done = 0
    for batch in _batches(pending, batch_size):
        interactions = db_session.scalars(select(Interaction).where(Interaction.id.in_(batch)))
        turns = load_turns(db_session=db_session, interaction_ids=batch)
        verdicts_at: dict[int, datetime | None] = dict(
            db_session.execute(
                select(Message.interaction_id, func.max(MessageAnalysis.analysed_at))
                .join(MessageAnalysis, MessageAnalysis.message_id == Message.id)
                .where(Message.interaction_id.in_(batch))
                .group_by(Message.interaction_id)
            ).all()
        )
        rows = [
            _row(
                interaction,
                turns[interaction.id],
                analyse_turns(turns[interaction.id]),
                verdicts_at.get(interaction.id),
            )
            for interaction in interactions
        ]
        db_session.execute(
            delete(InteractionAnalysis).where(InteractionAnalysis.interaction_id.in_(batch))
        )
        if rows:
            db_session.execute(insert(InteractionAnalysis), rows)
        db_session.flush()
        done += len(batch)
        if progress is not None:
            progress(done, len(pending))
    return done


def get_interaction_analysis(
    *, db_session: Session, interaction_id: int
) -> InteractionAnalysis | None:
    """The stored dynamics of one conversation, if analysed."""
    return db_session.scalar(
        select(InteractionAnalysis).where(InteractionAnalysis.interaction_id == interaction_id)
    )


PATTERN_COLUMNS = (
    "customer_messages_per_30d",
    "message_words_mean",
    "questions_per_message",
    "formality_index",
    "technical_terms_per_100_words",
    "business_hours_share",
    "weekend_share",
    "reply_hours_median",
    "follow_up_share",
    "sentiment_mean",
    "usage_events_per_day_30d",
    "nps_last",
    "tickets_per_30d",
    "tickets_unresolved_count",
    "escalations_total",
)


def preferred_channel(row: pd.Series) -> str | None:
    """The channel with the largest share of the customer's conversations."""
    shares = row[[name for name in row.index if name.startswith("channel_share_")]].dropna()
    if shares.empty or shares.max() <= 0:
        return None
    return str(shares.idxmax()).removeprefix("channel_share_")


def customer_summary(
    *, db_session: Session, customer_id: int, as_of: datetime | None = None
) -> CustomerSummary:
    """Patterns, segment and churn signals of one customer, from data before ``as_of``."""
    customer = db_session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"no customer with id {customer_id}")
    history = load_history(db_session=db_session, as_of=as_of, customer_ids=[customer_id])
    matrix = feature_matrix(history)
    if customer_id not in matrix.index:
        raise NotFound(f"customer {customer_id} has no data before the given date")
    row = matrix.loc[customer_id]
    assert isinstance(row, pd.Series), "customer ids are unique"
    patterns: dict[str, float | str | None] = {
        name: None if pd.isna(row.get(name)) else round(float(row[name]), 3)
        for name in PATTERN_COLUMNS
    }
    patterns["preferred_channel"] = preferred_channel(row)
    return CustomerSummary(
        customer_id=customer_id,
        company_name=customer.company_name,
        as_of=history.reference.to_pydatetime(),
        patterns=patterns,
        segment=segment_of(history, customer_id, row),
        signals=signals_from_history(history, customer_id),
    )
