"""Evaluation of a generated world against its truth: are the planted signals learnable?

Point-in-time snapshots: every ``step_days`` each customer still active gets a row of features
computed only from what happened before the cutoff, and a label saying whether it churned within
the next ``horizon_days``. The pipeline never uses this module; benchmarks and tests do.

Features come from the observable data, except the sentiment ones, which stand in for the NLP
stage with the message truth labels (named ``truth_...`` so nobody mistakes them).
"""

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import numpy as np

from cspersona.synth.world import CustomerBundle

RECENT_DAYS = 30
EARLIER_DAYS = 90
SENTIMENT_DAYS = 60
QUIET_CAP_DAYS = 180
FEATURES = (
    "usage_trend",
    "open_tickets",
    "recent_tickets",
    "truth_negative_share",
    "truth_positive_share",
    "nps_last",
    "nps_change",
    "champion_quiet_days",
)


# Engineering vocabulary, to compare how technical customers' words are (a crude stand-in for the
# NLP stage's sophistication score).
TECHNICAL_TERMS = re.compile(
    r"\b(api|endpoint|http|https|oauth|saml|scim|sso|json|csv|parquet|sql|latency|p95|token|"
    r"webhook|payload|config|cursor|schema|query|queries|backoff|header|headers|request id|"
    r"idempotent|repro|stack trace|pagination|quota|throttl\w*|utf-8|kms|siem|jit|"
    r"idp|cert\w*|deploy\w*|regression|retries|batch\w*|bulk|connector|tenant)\b",
    re.IGNORECASE,
)


def technical_term_rate(texts: Iterable[str]) -> float:
    """Technical terms per word over ``texts``."""
    words = hits = 0
    for text in texts:
        words += len(text.split())
        hits += len(TECHNICAL_TERMS.findall(text))
    return hits / max(words, 1)


@dataclass(frozen=True)
class Snapshots:
    """One row per (customer, cutoff): feature columns, the churn label, the customer."""

    features: dict[str, np.ndarray]
    churned: np.ndarray
    customers: list[str]

    def matrix(self, names: Iterable[str]) -> np.ndarray:
        """The named feature columns side by side."""
        return np.column_stack([self.features[name] for name in names])


class SnapshotCollector:
    """Collects snapshots customer by customer, so a world never has to be held in memory."""

    def __init__(
        self, *, window: tuple[date, date], horizon_days: int = 90, step_days: int = 30
    ) -> None:
        """Cutoffs every ``step_days`` that leave 90 days of history and a full horizon."""
        first = window[0] + timedelta(days=EARLIER_DAYS)
        last = window[1] - timedelta(days=horizon_days)
        self.cutoffs = [
            datetime.combine(first + timedelta(days=step), time(0), tzinfo=UTC)
            for step in range(0, (last - first).days + 1, step_days)
        ]
        self.horizon = timedelta(days=horizon_days)
        self.rows: dict[str, list[float]] = {name: [] for name in FEATURES}
        self.labels: list[bool] = []
        self.customers: list[str] = []

    def add(self, bundle: CustomerBundle) -> None:
        """Snapshot one customer at every cutoff where it is active and has enough history."""
        history = _History(bundle)
        churned_at = history.churned_at
        for cutoff in self.cutoffs:
            if churned_at is not None and churned_at <= cutoff:
                break
            if not history.observed_since(cutoff.date() - timedelta(days=EARLIER_DAYS)):
                continue
            for name, value in history.features(cutoff).items():
                self.rows[name].append(value)
            self.labels.append(churned_at is not None and churned_at <= cutoff + self.horizon)
            self.customers.append(history.external_id)

    def snapshots(self) -> Snapshots:
        """Everything collected so far."""
        return Snapshots(
            features={name: np.array(values) for name, values in self.rows.items()},
            churned=np.array(self.labels),
            customers=list(self.customers),
        )


def churn_snapshots(
    bundles: Iterable[CustomerBundle],
    *,
    window: tuple[date, date],
    horizon_days: int = 90,
    step_days: int = 30,
) -> Snapshots:
    """Snapshots of every customer of ``bundles`` (see :class:`SnapshotCollector`)."""
    collector = SnapshotCollector(window=window, horizon_days=horizon_days, step_days=step_days)
    for bundle in bundles:
        collector.add(bundle)
    return collector.snapshots()


class _History:
    """One customer's observable history, indexed for point-in-time questions."""

    def __init__(self, bundle: CustomerBundle) -> None:
        data, truth = bundle.data, bundle.truth
        self.external_id: str = data["customers"][0]["external_id"]
        self.churned_at: datetime | None = truth["customers"][0]["churned_at"]
        usage = data["usage_daily"]
        self.days = [row["day"] for row in usage]
        self.active = np.array([row["active_users"] for row in usage], dtype=float)
        self.tickets = [
            (row["started_at"], row["closed_at"])
            for row in data["interactions"]
            if row["type"] == "ticket"
        ]
        sentiment = {row["external_id"]: row["sentiment"] for row in truth["messages"]}
        customer_messages = [row for row in data["messages"] if row["author_role"] == "customer"]
        self.message_times = [row["sent_at"] for row in customer_messages]
        self.message_sentiments = [sentiment[row["external_id"]] for row in customer_messages]
        champion = data["contacts"][0]["external_id"]
        self.champion_times = sorted(
            row["sent_at"] for row in customer_messages if row["author_id"] == champion
        )
        self.nps = sorted((row["answered_at"], row["score"]) for row in data["nps_responses"])

    def observed_since(self, day: date) -> bool:
        return bool(self.days) and self.days[0] <= day

    def features(self, cutoff: datetime) -> dict[str, float]:
        day = cutoff.date()
        end = bisect.bisect_left(self.days, day)
        recent = self.active[bisect.bisect_left(self.days, day - timedelta(days=RECENT_DAYS)) : end]
        earlier = self.active[
            bisect.bisect_left(self.days, day - timedelta(days=EARLIER_DAYS)) : end - len(recent)
        ]
        usage_trend = float(
            np.log1p(recent.mean() if len(recent) else 0.0)
            - np.log1p(earlier.mean() if len(earlier) else 0.0)
        )
        open_tickets = sum(
            1
            for started, closed in self.tickets
            if started < cutoff and (closed is None or closed > cutoff)
        )
        recent_tickets = sum(
            1
            for started, _ in self.tickets
            if cutoff - timedelta(days=SENTIMENT_DAYS) <= started < cutoff
        )
        since = cutoff - timedelta(days=SENTIMENT_DAYS)
        window = self.message_sentiments[
            bisect.bisect_left(self.message_times, since) : bisect.bisect_left(
                self.message_times, cutoff
            )
        ]
        count = max(len(window), 1)
        answered = [score for moment, score in self.nps if moment < cutoff]
        last_champion = bisect.bisect_left(self.champion_times, cutoff)
        quiet_days = (
            (cutoff - self.champion_times[last_champion - 1]).days
            if last_champion
            else QUIET_CAP_DAYS
        )
        return {
            "usage_trend": usage_trend,
            "open_tickets": float(open_tickets),
            "recent_tickets": float(recent_tickets),
            "truth_negative_share": window.count("negative") / count,
            "truth_positive_share": window.count("positive") / count,
            "nps_last": float(answered[-1]) if answered else 7.0,
            "nps_change": float(answered[-1] - answered[-2]) if len(answered) > 1 else 0.0,
            "champion_quiet_days": float(min(quiet_days, QUIET_CAP_DAYS)),
        }
