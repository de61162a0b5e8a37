"""Churn signals per customer, each a flag with the evidence behind it and its metric over time.

Rules (thresholds below; docs/analytics.md explains them):

* ``declining_usage``: events per day fell by a quarter or more over 30, 60 or 90 days.
* ``rising_negative_sentiment``: the last 60 days are clearly worse than the 120 before, or most
  recent customer messages are negative.
* ``unresolved_issues``: open tickets pile up or age, or escalations repeat.
* ``nps_drop``: the last NPS answer fell well below the earlier ones, or into detractor range.
* ``champion_quiet``: the contact who wrote most has gone quiet while the account goes on.
"""

import math
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

import pandas as pd
from sqlalchemy.orm import Session

from cspersona.analytics.features import SENTIMENT_RECENT_DAYS, feature_matrix
from cspersona.analytics.history import History, load_history
from cspersona.analytics.patterns import champions, customer_messages
from cspersona.analytics.schemas import ChurnSignal, Evidence, SeriesPoint
from cspersona.exceptions import NotFound

USAGE_DROP = math.log(0.75)
SENTIMENT_DROP = -0.2
NEGATIVE_SHARE = 0.5
MIN_RECENT_MESSAGES = 3
OPEN_TICKETS = 2
TICKET_AGE_DAYS = 14
RECENT_ESCALATIONS = 2
NPS_DROP = 2.0
NPS_PASSIVE_CEILING = 6.0
NPS_DETRACTOR_CEILING = 4.0
CHAMPION_QUIET_DAYS = 45.0
SERIES_PERIODS = 6
PERIOD = pd.Timedelta(days=30)
EXCERPT_CHARS = 160


def _period_ends(history: History) -> list[pd.Timestamp]:
    """The ends of the last ``SERIES_PERIODS`` 30-day periods, oldest first."""
    return [history.reference - PERIOD * back for back in reversed(range(SERIES_PERIODS))]


def _series(
    history: History, value: Callable[[pd.Timestamp, pd.Timestamp], float | None]
) -> list[SeriesPoint]:
    """``value(start, end)`` for each 30-day period."""
    points = []
    for end in _period_ends(history):
        result = value(end - PERIOD, end)
        clean = None if result is None or pd.isna(result) else round(float(result), 4)
        points.append(SeriesPoint(period_end=end.to_pydatetime(), value=clean))
    return points


def _number(row: pd.Series, name: str) -> float | None:
    """A feature value, None when unknown."""
    value = row.get(name)
    return None if value is None or pd.isna(value) else float(value)


def _excerpt(body: str) -> str:
    """The start of a message's body (no signature, no quotes), on one line."""
    own = " ".join(body.split())
    return own if len(own) <= EXCERPT_CHARS else own[: EXCERPT_CHARS - 1] + "…"


def declining_usage(history: History, row: pd.Series) -> ChurnSignal:
    """Usage trend over 30, 60 and 90 days."""
    usage = history.usage
    trends = {days: _number(row, f"usage_trend_{days}d") for days in (30, 60, 90)}
    known = {days: trend for days, trend in trends.items() if trend is not None}
    worst = min(known.values(), default=0.0)
    evidence = [
        Evidence(
            kind="metric",
            label=f"events per day, last {days} days vs the {days} before",
            value=round(math.expm1(trend) * 100, 1),
        )
        for days, trend in known.items()
        if trend <= USAGE_DROP
    ]
    raised = worst <= USAGE_DROP
    return ChurnSignal(
        name="declining_usage",
        raised=raised,
        strength=min(-worst, 1.0) if raised else 0.0,
        summary=(
            f"usage fell {-math.expm1(worst) * 100:.0f}% over its worst window"
            if raised
            else "usage steady or growing"
        ),
        evidence=evidence,
        series=_series(
            history,
            lambda start, end: (
                usage.loc[(usage["day"] >= start) & (usage["day"] < end), "events"].sum()
                / PERIOD.days
            ),
        ),
    )


def rising_negative_sentiment(history: History, row: pd.Series) -> ChurnSignal:
    """Recent customer sentiment against the customer's own baseline."""
    own = customer_messages(history)
    scored = own.join(history.analysis["sentiment_score"], on="message_id", how="inner")
    recent = scored[
        scored["sent_at"] >= history.reference - pd.Timedelta(days=SENTIMENT_RECENT_DAYS)
    ]
    trend = _number(row, "sentiment_trend")
    recent_mean = _number(row, "sentiment_recent_mean")
    negative_share = _number(row, "negative_share_recent")
    worse = trend is not None and trend <= SENTIMENT_DROP and (recent_mean or 0.0) < 0
    mostly_negative = (
        len(recent) >= MIN_RECENT_MESSAGES
        and negative_share is not None
        and negative_share >= NEGATIVE_SHARE
    )
    raised = worse or mostly_negative
    evidence = [
        Evidence(
            kind="message",
            label="negative customer message",
            value=round(message["sentiment_score"], 3),
            at=message["sent_at"],
            message_id=message["message_id"],
            interaction_id=message["interaction_id"],
            text=_excerpt(message["body"]),
        )
        for message in recent.nsmallest(3, "sentiment_score").to_dict("records")
        if message["sentiment_score"] < 0
    ]
    if trend is not None:
        evidence.append(Evidence(kind="metric", label="sentiment trend", value=round(trend, 3)))
    if scored.empty:
        summary = "no NLP verdicts on this customer's messages yet"
    elif raised:
        summary = (
            f"recent sentiment {recent_mean:+.2f}, {(negative_share or 0) * 100:.0f}% negative"
        )
    else:
        summary = "sentiment stable"
    return ChurnSignal(
        name="rising_negative_sentiment",
        raised=raised,
        strength=min(max(-(trend or 0.0), negative_share or 0.0, 0.0), 1.0) if raised else 0.0,
        summary=summary,
        evidence=evidence if raised else [],
        series=_series(
            history,
            lambda start, end: scored.loc[
                (scored["sent_at"] >= start) & (scored["sent_at"] < end), "sentiment_score"
            ].mean(),
        ),
    )


def unresolved_issues(history: History, row: pd.Series) -> ChurnSignal:
    """Open tickets, their age, and recent escalations."""
    interactions = history.interactions
    tickets = interactions[interactions["type"] == "ticket"]
    open_tickets = tickets[tickets["closed_at"].isna()]
    ages = (history.reference - open_tickets["started_at"]).dt.days
    escalations = history.dynamics[
        history.dynamics["escalated_at"] >= history.reference - pd.Timedelta(days=90)
    ]
    old = int((ages >= TICKET_AGE_DAYS).sum())
    raised = len(open_tickets) >= OPEN_TICKETS or old > 0 or len(escalations) >= RECENT_ESCALATIONS
    evidence = [
        Evidence(
            kind="ticket",
            label=f"open {age} days, priority {ticket['priority'] or 'unknown'}",
            value=float(age),
            at=ticket["started_at"],
            interaction_id=ticket["interaction_id"],
        )
        for ticket, age in zip(open_tickets.to_dict("records"), ages, strict=True)
    ] + [
        Evidence(
            kind="metric",
            label="escalation",
            at=escalation["escalated_at"],
            interaction_id=escalation["interaction_id"],
        )
        for escalation in escalations.to_dict("records")
    ]

    def open_at(start: pd.Timestamp, end: pd.Timestamp) -> float:
        started = tickets["started_at"] < end
        still_open = tickets["closed_at"].isna() | (tickets["closed_at"] >= end)
        return float((started & still_open).sum())

    return ChurnSignal(
        name="unresolved_issues",
        raised=raised,
        strength=min((len(open_tickets) + old + len(escalations)) / 6, 1.0) if raised else 0.0,
        summary=(
            f"{len(open_tickets)} open tickets ({old} older than {TICKET_AGE_DAYS} days), "
            f"{len(escalations)} escalations in 90 days"
        ),
        evidence=evidence if raised else [],
        series=_series(history, open_at),
    )


def nps_drop(history: History, row: pd.Series) -> ChurnSignal:
    """The last NPS answer against the earlier ones."""
    nps = history.nps
    last = _number(row, "nps_last")
    drop = _number(row, "nps_drop")
    raised = last is not None and (
        (drop is not None and drop >= NPS_DROP and last <= NPS_PASSIVE_CEILING)
        or (last <= NPS_DETRACTOR_CEILING and drop is not None and drop > 0)
    )
    evidence = [
        Evidence(kind="nps", label="NPS answer", value=answer["score"], at=answer["answered_at"])
        for answer in nps.tail(4).to_dict("records")
    ]
    return ChurnSignal(
        name="nps_drop",
        raised=bool(raised),
        strength=min((drop or 0.0) / 6, 1.0) if raised else 0.0,
        summary=(
            "no NPS answers"
            if last is None
            else f"last NPS {last:.0f}"
            + (f", {drop:.1f} below the earlier mean" if drop is not None and drop > 0 else "")
        ),
        evidence=evidence if raised else [],
        series=_series(
            history,
            lambda start, end: nps.loc[
                (nps["answered_at"] >= start) & (nps["answered_at"] < end), "score"
            ].mean(),
        ),
    )


def champion_quiet(history: History, row: pd.Series) -> ChurnSignal:
    """The main contact's silence beyond the account's."""
    own = history.messages[history.messages["author_role"] == "customer"]
    quiet = _number(row, "champion_quiet_days")
    champion = champions(own)
    raised = quiet is not None and quiet >= CHAMPION_QUIET_DAYS
    theirs = own[own["author_id"].isin(champion.to_numpy())]
    evidence: list[Evidence] = []
    if raised and not theirs.empty:
        last = theirs.sort_values("sent_at").tail(1).to_dict("records")[0]
        evidence = [
            Evidence(
                kind="message",
                label="champion's last message",
                at=last["sent_at"],
                message_id=last["message_id"],
                interaction_id=last["interaction_id"],
                text=_excerpt(last["body"]),
            ),
            Evidence(kind="metric", label="days quiet while others write", value=quiet),
        ]
    return ChurnSignal(
        name="champion_quiet",
        raised=raised,
        strength=min((quiet or 0.0) / 180, 1.0) if raised else 0.0,
        summary=(
            f"champion silent {quiet:.0f} days longer than the account"
            if raised and quiet is not None
            else "champion active"
        ),
        evidence=evidence,
        series=_series(
            history,
            lambda start, end: float(
                ((theirs["sent_at"] >= start) & (theirs["sent_at"] < end)).sum()
            ),
        ),
    )


SIGNALS = (declining_usage, rising_negative_sentiment, unresolved_issues, nps_drop, champion_quiet)


def signals_from_history(history: History, customer_id: int) -> list[ChurnSignal]:
    """Every churn signal of one customer whose rows ``history`` holds."""
    matrix = feature_matrix(history)
    if customer_id not in matrix.index:
        raise NotFound(f"customer {customer_id} has no data before the given date")
    row = matrix.loc[customer_id]
    assert isinstance(row, pd.Series), "customer ids are unique"
    return [signal(history, row) for signal in SIGNALS]


# History frames that hold one row per customer event; ``analysis`` is keyed by message and
# joined on the messages kept, so it is shared.
CUSTOMER_FRAMES = ("interactions", "messages", "nps", "usage", "adoption", "lifecycle", "dynamics")


def signals_for_all(history: History) -> dict[int, list[ChurnSignal]]:
    """Every customer's churn signals from one history: the feature matrix once, rows split.

    The same signals as :func:`signals_from_history` per customer, without reading the database
    once per customer (the playbooks stage watches every customer's signals).
    """
    matrix = feature_matrix(history)
    split = {
        name: dict(iter(getattr(history, name).groupby("customer_id", sort=False)))
        for name in CUSTOMER_FRAMES
    }
    found = {}
    for customer_id in matrix.index:
        own = replace(
            history,
            customers=history.customers.loc[history.customers.index == customer_id],
            **{
                name: split[name].get(customer_id, getattr(history, name).iloc[0:0])
                for name in CUSTOMER_FRAMES
            },
        )
        row = matrix.loc[customer_id]
        assert isinstance(row, pd.Series), "customer ids are unique"
        found[int(customer_id)] = [signal(own, row) for signal in SIGNALS]
    return found


def churn_signals(
    *, db_session: Session, customer_id: int, as_of: datetime | None = None
) -> list[ChurnSignal]:
    """The churn signals of one customer from data before ``as_of`` (None: all data)."""
    history = load_history(db_session=db_session, as_of=as_of, customer_ids=[customer_id])
    return signals_from_history(history, customer_id)
