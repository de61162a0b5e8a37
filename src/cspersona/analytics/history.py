"""Set-based loaders: one query per table, everything strictly before ``as_of``, as DataFrames.

Every analytic reads the past through these, so the leakage rule lives in one place,
:meth:`Records.before`: a row counts only if its time is before ``as_of`` (a usage day only once
it is over; a ticket is closed only if it closed before ``as_of``). The queries cut at ``as_of``
too, but only to read less; a training set reads every row once and cuts it in memory at each
of its cutoffs.
"""

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Executable, Label, String, func, select, true, type_coerce
from sqlalchemy.orm import Session

from cspersona.analytics.dynamics import recovered
from cspersona.analytics.models import InteractionAnalysis
from cspersona.analytics.text_style import closes_ticket, text_measures
from cspersona.conversations.models import Interaction, Message
from cspersona.customers.models import Customer, LifecycleEvent, NpsResponse, UsageDaily
from cspersona.exceptions import BadInput
from cspersona.nlp.models import MessageAnalysis, Topic

Ids = Sequence[int] | None
EMOTIONS = ("frustration", "anger", "confusion", "urgency", "satisfaction", "gratitude")


def _frame(db_session: Session, statement: Executable) -> pd.DataFrame:
    """Run ``statement`` and return its rows with the selected columns' names.

    It runs on the session's connection (Core, no ORM row processing) and hands pandas whole
    columns rather than row objects: a third faster.
    """
    result = db_session.connection().execute(statement)
    keys = list(result.keys())
    columns = list(zip(*result.all(), strict=True)) or [()] * len(keys)
    return pd.DataFrame({key: list(values) for key, values in zip(keys, columns, strict=True)})


def raw(column: Any) -> Label[Any]:
    """``column`` as the driver returns it: pandas parses dates and JSON in bulk, much faster."""
    return type_coerce(column, String).label(column.key)


def _documents(values: pd.Series) -> list[Any]:
    """JSON values from a column that holds text (SQLite) or parsed values (PostgreSQL)."""
    return [json.loads(value) if isinstance(value, str) else value for value in values]


def _objects(values: pd.Series) -> pd.DataFrame:
    """JSON objects as columns (NaN where an object lacks the key).

    pandas' C parser reads the text SQLite returns in one pass.
    """
    if len(values) and all(isinstance(value, str) for value in values):
        parsed = pd.read_json(io.StringIO("\n".join(values)), lines=True, dtype=False)
    else:
        parsed = pd.DataFrame.from_records([value or {} for value in values])
    parsed.index = values.index
    return parsed


def _timestamps(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Make ``columns`` pandas UTC timestamps (NaT where missing), whatever the backend returned."""
    for column in columns:
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def _before(column: Any, as_of: datetime | None) -> ColumnElement[bool]:
    """The condition ``column < as_of``, or always true when there is no cut-off."""
    return true() if as_of is None else column < as_of


def _among(column: Any, customer_ids: Sequence[int] | None) -> ColumnElement[bool]:
    """The condition ``column IN customer_ids``, or always true when all customers are wanted."""
    return true() if customer_ids is None else column.in_(list(customer_ids))


def usage_cutoff(as_of: datetime) -> date:
    """The first usage day not yet over at ``as_of``: days before it are complete."""
    return as_of.astimezone(UTC).date()


@dataclass(frozen=True)
class History:
    """Everything known before ``as_of``: one DataFrame per table, ``reference`` = 'now'.

    ``reference`` is ``as_of``, or without one the latest moment any row mentions, so that
    "the last 30 days" means the same thing for a live database and a historical snapshot.
    ``messages`` carries what :mod:`text_style` measures per message (whether it closes a ticket;
    a customer message's words, formality...; NaN on staff turns), measured once when read
    rather than at every cutoff.
    """

    as_of: datetime | None
    reference: pd.Timestamp
    customers: pd.DataFrame
    interactions: pd.DataFrame
    messages: pd.DataFrame
    analysis: pd.DataFrame
    nps: pd.DataFrame
    usage: pd.DataFrame
    adoption: pd.DataFrame
    lifecycle: pd.DataFrame
    dynamics: pd.DataFrame


@dataclass(frozen=True)
class Records:
    """Every table's rows as read, before the as-of rules: :meth:`before` applies them.

    ``feature_use`` holds each usage row's ``feature_adoption`` parsed (NaN where the row does not
    name a feature); ``dynamics`` holds each conversation's start and its stored turn documents,
    from which :meth:`before` recomputes escalation, recovery and reply effects.
    """

    customers: pd.DataFrame
    interactions: pd.DataFrame
    messages: pd.DataFrame
    analysis: pd.DataFrame
    nps: pd.DataFrame
    usage: pd.DataFrame
    feature_use: pd.DataFrame
    lifecycle: pd.DataFrame
    dynamics: pd.DataFrame

    def before(self, as_of: datetime) -> History:
        """What was known before ``as_of``: ``load_history(as_of=as_of)``, cut in memory."""
        moment = _moment(as_of)
        sent = self.messages["sent_at"] < moment
        analysed = self.analysis.index.isin(self.messages.loc[sent, "message_id"])
        in_time = self.usage["day"] < pd.Timestamp(usage_cutoff(as_of), tz=UTC)
        usage = _rows(self.usage, in_time)
        return History(
            as_of=as_of,
            reference=moment,
            customers=self.customers,
            interactions=_interactions_as_of(
                _rows(self.interactions, self.interactions["started_at"] < moment), as_of
            ),
            messages=_rows(self.messages, sent),
            analysis=self.analysis[analysed],
            nps=_rows(self.nps, self.nps["answered_at"] < moment),
            usage=usage,
            adoption=feature_counts(usage, _rows(self.feature_use, in_time)),
            lifecycle=_rows(self.lifecycle, self.lifecycle["at"] < moment),
            dynamics=_dynamics_as_of(
                _rows(self.dynamics, self.dynamics["started_at"] < moment), as_of
            ),
        )

    def since(self, start: datetime) -> "Records":
        """The rows from ``start`` on, so that :meth:`before` gives one recent window's history.

        A conversation that began before ``start`` keeps only its later messages.
        """
        moment = _moment(start)
        in_time = self.usage["day"] >= pd.Timestamp(usage_cutoff(start), tz=UTC)
        return replace(
            self,
            interactions=_rows(self.interactions, self.interactions["started_at"] >= moment),
            messages=_rows(self.messages, self.messages["sent_at"] >= moment),
            nps=_rows(self.nps, self.nps["answered_at"] >= moment),
            usage=_rows(self.usage, in_time),
            feature_use=_rows(self.feature_use, in_time),
            lifecycle=_rows(self.lifecycle, self.lifecycle["at"] >= moment),
            dynamics=_rows(self.dynamics, self.dynamics["started_at"] >= moment),
        )

    def everything(self, reference: pd.Timestamp) -> History:
        """All the rows, with no cut-off; ``reference`` is 'now'."""
        return History(
            as_of=None,
            reference=reference,
            customers=self.customers,
            interactions=self.interactions,
            messages=self.messages,
            analysis=self.analysis,
            nps=self.nps,
            usage=self.usage,
            adoption=feature_counts(self.usage, self.feature_use),
            lifecycle=self.lifecycle,
            dynamics=_dynamics_as_of(self.dynamics, None),
        )


def _moment(as_of: datetime) -> pd.Timestamp:
    """``as_of`` as a UTC timestamp; a naive one is refused (its zone would be a guess)."""
    if as_of.tzinfo is None:
        raise BadInput("as_of must carry a time zone")
    return pd.Timestamp(as_of).tz_convert(UTC)


def _rows(frame: pd.DataFrame, keep: pd.Series) -> pd.DataFrame:
    """The rows ``keep`` marks, numbered from 0 again as if read alone."""
    return frame[keep.to_numpy()].reset_index(drop=True)


def read_customers(*, db_session: Session, customer_ids: Ids = None) -> pd.DataFrame:
    """Customer attributes that hold at any time (contract dates are compared to ``as_of``)."""
    frame = _frame(
        db_session,
        select(
            Customer.id.label("customer_id"),
            Customer.plan,
            Customer.size,
            Customer.arr,
            Customer.contract_start,
            Customer.renewal_date,
            Customer.csm_owner,
        )
        .where(_among(Customer.id, customer_ids))
        .order_by(Customer.id),
    )
    for column in ("contract_start", "renewal_date"):
        frame[column] = pd.to_datetime(frame[column]).dt.tz_localize(UTC)
    return frame.set_index("customer_id")


def read_interactions(
    *, db_session: Session, as_of: datetime | None, customer_ids: Ids = None
) -> pd.DataFrame:
    """Conversations started before ``as_of``, as stored."""
    frame = _frame(
        db_session,
        select(
            Interaction.id.label("interaction_id"),
            Interaction.customer_id,
            Interaction.contact_id,
            Interaction.type,
            Interaction.channel,
            Interaction.status,
            Interaction.priority,
            Interaction.started_at,
            Interaction.closed_at,
        )
        .where(
            _before(Interaction.started_at, as_of), _among(Interaction.customer_id, customer_ids)
        )
        .order_by(Interaction.id),
    )
    frame = _timestamps(frame, "started_at", "closed_at")
    frame["type"] = frame["type"].astype(str)
    return frame


def _interactions_as_of(frame: pd.DataFrame, as_of: datetime) -> pd.DataFrame:
    """``closed_at`` blanked where it is not yet past at ``as_of``."""
    frame = frame.copy()
    not_yet = frame["closed_at"] >= pd.Timestamp(as_of)
    frame.loc[not_yet, "closed_at"] = pd.NaT
    # The stored status describes today; before the close it was still open.
    frame.loc[not_yet, "status"] = "open"
    return frame


def read_messages(
    *, db_session: Session, as_of: datetime | None, customer_ids: Ids = None
) -> pd.DataFrame:
    """Messages sent before ``as_of`` with their conversation's customer, ordered in time.

    Each says whether it ``closes_ticket``, and customer messages get their text measures
    (words, formality, technical terms...).
    """
    frame = _frame(
        db_session,
        select(
            Message.id.label("message_id"),
            Message.interaction_id,
            Interaction.customer_id,
            Message.seq,
            Message.author_role,
            Message.author_id,
            raw(Message.sent_at),
            Message.body,
        )
        .join(Interaction, Interaction.id == Message.interaction_id)
        .where(_before(Message.sent_at, as_of), _among(Interaction.customer_id, customer_ids)),
    )
    frame = _timestamps(frame, "sent_at")
    frame["author_role"] = frame["author_role"].astype(str)
    frame = frame.sort_values(["interaction_id", "seq"], ignore_index=True)
    frame["closes_ticket"] = closes_ticket(frame["body"])
    customer = frame[frame["author_role"] == "customer"]
    return frame.join(text_measures(customer["body"]))


def read_analysis(
    *, db_session: Session, as_of: datetime | None, customer_ids: Ids = None
) -> pd.DataFrame:
    """The NLP verdicts on messages sent before ``as_of``: sentiment, emotions, topic and name."""
    frame = _frame(
        db_session,
        select(
            MessageAnalysis.message_id,
            MessageAnalysis.sentiment_score,
            *(
                MessageAnalysis.emotions[name].as_float().label(f"emotion_{name}")
                for name in EMOTIONS
            ),
            MessageAnalysis.sophistication,
            Topic.number.label("topic"),
            Topic.name.label("topic_name"),
        )
        .join(Message, Message.id == MessageAnalysis.message_id)
        .join(Interaction, Interaction.id == Message.interaction_id)
        .outerjoin(Topic, Topic.id == MessageAnalysis.topic_id)
        .where(_before(Message.sent_at, as_of), _among(Interaction.customer_id, customer_ids))
        .order_by(MessageAnalysis.message_id),
    )
    for name in EMOTIONS:
        frame[f"emotion_{name}"] = frame[f"emotion_{name}"].astype(float)
    frame["sophistication"] = frame["sophistication"].astype(float)
    frame["topic"] = frame["topic"].astype(float)
    return frame.set_index("message_id")


def read_nps(
    *, db_session: Session, as_of: datetime | None, customer_ids: Ids = None
) -> pd.DataFrame:
    """NPS answers given before ``as_of``, oldest first."""
    frame = _frame(
        db_session,
        select(NpsResponse.customer_id, NpsResponse.score, NpsResponse.answered_at)
        .where(
            _before(NpsResponse.answered_at, as_of), _among(NpsResponse.customer_id, customer_ids)
        )
        .order_by(NpsResponse.id),
    )
    frame = _timestamps(frame, "answered_at")
    frame["score"] = frame["score"].astype(float)
    return frame.sort_values(["customer_id", "answered_at"], ignore_index=True, kind="stable")


def read_usage(
    *, db_session: Session, as_of: datetime | None, customer_ids: Ids = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Complete usage days before ``as_of``, and their ``feature_adoption`` parsed."""
    day_filter = true() if as_of is None else UsageDaily.day < usage_cutoff(as_of)
    frame = _frame(
        db_session,
        select(
            UsageDaily.customer_id,
            raw(UsageDaily.day),
            UsageDaily.active_users,
            UsageDaily.logins,
            UsageDaily.events,
            raw(UsageDaily.feature_adoption),
        ).where(day_filter, _among(UsageDaily.customer_id, customer_ids)),
    )
    frame["day"] = pd.to_datetime(frame["day"]).dt.tz_localize(UTC)
    for column in ("active_users", "logins", "events"):
        frame[column] = frame[column].astype(float)
    frame = frame.sort_values(["customer_id", "day"], ignore_index=True)
    return frame, _objects(frame["feature_adoption"])


def feature_counts(usage: pd.DataFrame, feature_use: pd.DataFrame) -> pd.DataFrame:
    """Usage of each product feature per customer-day: one column per feature seen, 0 if unused.

    ``feature_use`` is the rows' parsed ``feature_adoption``; a feature none of them names gets
    no column.
    """
    named = feature_use.columns[feature_use.notna().any().to_numpy()]
    counts = feature_use[sorted(named)].apply(pd.to_numeric, errors="coerce")
    counts = counts.fillna(0.0).astype(float)
    combined: pd.DataFrame = pd.concat([usage[["customer_id", "day"]], counts], axis=1)
    return combined


def read_lifecycle(
    *, db_session: Session, as_of: datetime | None, customer_ids: Ids = None
) -> pd.DataFrame:
    """Contract events before ``as_of``."""
    frame = _frame(
        db_session,
        select(LifecycleEvent.customer_id, LifecycleEvent.kind, LifecycleEvent.at)
        .where(_before(LifecycleEvent.at, as_of), _among(LifecycleEvent.customer_id, customer_ids))
        .order_by(LifecycleEvent.id),
    )
    frame = _timestamps(frame, "at")
    frame["kind"] = frame["kind"].astype(str)
    return frame


def read_dynamics(
    *, db_session: Session, as_of: datetime | None, customer_ids: Ids = None
) -> pd.DataFrame:
    """Stored dynamics of conversations started before ``as_of``, with their turn documents."""
    frame = _frame(
        db_session,
        select(
            InteractionAnalysis.interaction_id,
            InteractionAnalysis.customer_id,
            InteractionAnalysis.escalated,
            InteractionAnalysis.escalation_seq,
            raw(InteractionAnalysis.escalated_at),
            InteractionAnalysis.recovered,
            InteractionAnalysis.reply_effect_mean,
            raw(InteractionAnalysis.trajectory),
            raw(InteractionAnalysis.reply_effects),
            Interaction.started_at,
        )
        .join(Interaction, Interaction.id == InteractionAnalysis.interaction_id)
        .where(
            _before(Interaction.started_at, as_of), _among(Interaction.customer_id, customer_ids)
        )
        .order_by(InteractionAnalysis.interaction_id),
    )
    frame = _timestamps(frame, "escalated_at", "started_at")
    frame["escalated"] = frame["escalated"].astype(bool) & frame["escalated_at"].notna()
    for column in ("trajectory", "reply_effects"):
        frame[column] = pd.Series(_documents(frame[column]), index=frame.index, dtype=object)
    return frame


def _dynamics_as_of(frame: pd.DataFrame, as_of: datetime | None) -> pd.DataFrame:
    """Stored conversation dynamics, recomputed from their turns as far as ``as_of`` knows.

    An escalation counts only if its turn came before ``as_of``; recovery looks only at the
    customer's turns before ``as_of``, and a reply's effect only counts once the customer's
    answer to it was sent before ``as_of``.
    """
    trajectories, effects = frame["trajectory"], frame["reply_effects"]
    escalation_seq = frame["escalation_seq"]
    frame = frame.drop(columns=["trajectory", "reply_effects", "escalation_seq", "started_at"])
    if as_of is not None:
        cutoff = as_of.astimezone(UTC).isoformat()
        frame["escalated"] &= frame["escalated_at"] < pd.Timestamp(as_of)
        frame["recovered"] = [
            _recovered_by(points, seq, cutoff) if escalated else None
            for points, seq, escalated in zip(
                trajectories, escalation_seq, frame["escalated"], strict=True
            )
        ]
        frame["reply_effect_mean"] = [_mean_effect(replies, cutoff) for replies in effects]
    frame.loc[~frame["escalated"], "escalated_at"] = pd.NaT
    frame["recovered"] = frame["recovered"].where(frame["escalated"]).astype(float)
    frame["reply_effect_mean"] = frame["reply_effect_mean"].astype(float)
    return frame


def _recovered_by(points: Any, escalation_seq: int, cutoff: str) -> bool | None:
    """Recovery judged on the customer's turns sent before ``cutoff`` (None: none yet)."""
    later = [
        point["sentiment"]
        for point in points
        if point["seq"] > escalation_seq
        and point["sent_at"] < cutoff
        and point["sentiment"] is not None
    ]
    return recovered(later) if later else None


def _mean_effect(replies: Any, cutoff: str) -> float | None:
    """Mean effect of the replies whose answer came before ``cutoff``."""
    deltas = [reply["delta"] for reply in replies if reply["after_sent_at"] < cutoff]
    return sum(deltas) / len(deltas) if deltas else None


def latest_moment(*, db_session: Session) -> pd.Timestamp:
    """The latest moment any conversation, NPS answer or usage day mentions (the epoch if none).

    Without ``as_of`` this is "now" for every customer alike, even when only some are loaded.
    """
    stamps = [
        db_session.scalar(select(func.max(column)))
        for column in (Message.sent_at, Interaction.started_at, NpsResponse.answered_at)
    ]
    known = [pd.Timestamp(stamp).tz_convert(UTC) for stamp in stamps if stamp is not None]
    last_day = db_session.scalar(select(func.max(UsageDaily.day)))
    if last_day is not None:
        known.append(pd.Timestamp(last_day, tz=UTC) + pd.Timedelta(days=1))
    return max(known) if known else pd.Timestamp(0, tz=UTC)


def read_records(
    *, db_session: Session, as_of: datetime | None = None, customer_ids: Ids = None
) -> Records:
    """Every table the analytics need, read once (only rows before ``as_of``, if given)."""
    usage, feature_use = read_usage(db_session=db_session, as_of=as_of, customer_ids=customer_ids)
    return Records(
        customers=read_customers(db_session=db_session, customer_ids=customer_ids),
        interactions=read_interactions(
            db_session=db_session, as_of=as_of, customer_ids=customer_ids
        ),
        messages=read_messages(db_session=db_session, as_of=as_of, customer_ids=customer_ids),
        analysis=read_analysis(db_session=db_session, as_of=as_of, customer_ids=customer_ids),
        nps=read_nps(db_session=db_session, as_of=as_of, customer_ids=customer_ids),
        usage=usage,
        feature_use=feature_use,
        lifecycle=read_lifecycle(db_session=db_session, as_of=as_of, customer_ids=customer_ids),
        dynamics=read_dynamics(db_session=db_session, as_of=as_of, customer_ids=customer_ids),
    )


def load_history(
    *, db_session: Session, as_of: datetime | None = None, customer_ids: Ids = None
) -> History:
    """Read every table the analytics need, once, cut at ``as_of`` (all customers or these)."""
    if as_of is None:
        records = read_records(db_session=db_session, customer_ids=customer_ids)
        return records.everything(latest_moment(db_session=db_session))
    _moment(as_of)  # refuse a naive as_of before querying with it
    records = read_records(db_session=db_session, as_of=as_of, customer_ids=customer_ids)
    return records.before(as_of)
