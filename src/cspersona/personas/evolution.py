"""Predicted evolution: each customer's chance of being in each persona 90 days from now.

A customer's persona follows their whole history, so one whose habits changed (a new champion, a
team that grew into another way of working) drifts to another persona over the following months.
Two views of a customer tell where they are heading: the persona probabilities of their whole
history (where they are placed now) and those of their last 90 days alone (how they behave
lately). A multinomial logistic regression learns, from the book's own past, how the two views
turn into the persona a customer behaves like 90 days later: at monthly as-of dates, both views
are computed from what was known then, and the label is the persona of the customer's 90 days
up to 90 days on (their whole history's, where they were silent then). The label is the recent
persona rather than the whole-history one, which lags a change of habits by many months.

A book with too little history to learn from (fewer than ``MIN_EXAMPLES`` past placements, or
only one persona ever reached) gets the "no change" forecast instead: the current persona with
the book's observed stay rate, the rest spread evenly. ``OutlookModel.learned`` says which.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sqlalchemy import delete
from sqlalchemy.orm import Session

from cspersona.analytics.history import Records, latest_moment, read_records
from cspersona.config import Settings
from cspersona.db.types import utc_now
from cspersona.personas.artifact import PersonaArtifact, latest_artifact
from cspersona.personas.features import features_of, topic_names
from cspersona.personas.models import PersonaOutlook
from cspersona.personas.voice import encode_messages

HORIZON_DAYS = 90
RECENT_DAYS = 90
STEP_DAYS = 30
# The past moments learned from, newest first: a year of monthly placements is plenty, and each
# moment costs two feature matrices.
MAX_MOMENTS = 12
MIN_EXAMPLES = 100
# A customer whose chance of keeping their persona falls below this is "likely to change".
LIKELY = 0.5
# Where the book has no history at all to measure it on, the chance a customer keeps their
# persona over a quarter.
DEFAULT_STAY_RATE = 0.9


@dataclass(frozen=True)
class Views:
    """Both views of the customers known at one moment: rows are customer ids, columns personas."""

    lifetime: pd.DataFrame
    recent: pd.DataFrame

    def lately(self) -> pd.DataFrame:
        """The recent view, where a customer silent lately reads as their whole history."""
        return self.recent.reindex(self.lifetime.index).fillna(self.lifetime)

    def matrix(self) -> np.ndarray:
        """The regression's inputs: both views side by side."""
        return np.hstack([self.lifetime.to_numpy(), self.lately().to_numpy()])


@dataclass
class OutlookModel:
    """How today's views turn into the persona 90 days on (see the module docstring)."""

    persona_ids: list[int]
    stay_rate: float
    examples: int
    classifier: LogisticRegression | None = None

    @property
    def learned(self) -> bool:
        """Whether the forecast was learned from the book (False: the "no change" forecast)."""
        return self.classifier is not None

    def predict(self, views: Views) -> pd.DataFrame:
        """Each customer's probability of each persona in ``HORIZON_DAYS`` (rows sum to 1)."""
        if self.classifier is None:
            return no_change(views.lifetime, self.stay_rate)
        learned = self.classifier.predict_proba(views.matrix())
        columns = [self.persona_ids[int(label)] for label in self.classifier.classes_]
        frame = pd.DataFrame(learned, index=views.lifetime.index, columns=columns)
        return frame.reindex(columns=self.persona_ids, fill_value=0.0)


def no_change(lifetime: pd.DataFrame, stay_rate: float) -> pd.DataFrame:
    """The baseline: each customer stays in their current persona with ``stay_rate``."""
    count = lifetime.shape[1]
    current = lifetime.to_numpy().argmax(axis=1)
    forecast = np.full(lifetime.shape, (1.0 - stay_rate) / max(count - 1, 1))
    forecast[np.arange(len(current)), current] = stay_rate if count > 1 else 1.0
    return pd.DataFrame(forecast, index=lifetime.index, columns=lifetime.columns)


class ViewReader:
    """Computes both views at any moment from one read of the database."""

    def __init__(
        self, *, db_session: Session, artifact: PersonaArtifact, as_of: datetime | None
    ) -> None:
        """Read every table once (up to ``as_of``); each moment's views are cut in memory."""
        self.artifact = artifact
        self.records: Records = read_records(db_session=db_session, as_of=as_of)
        self.names = topic_names(db_session=db_session)
        self.encoded = encode_messages(self.records.messages)
        self.now = as_of or latest_moment(db_session=db_session).to_pydatetime()
        self._views: dict[datetime, Views] = {}

    def probabilities(self, records: Records, moment: datetime) -> pd.DataFrame:
        """Persona probabilities of every customer with data in ``records`` before ``moment``."""
        history = records.before(moment)
        aligned = self.artifact.aligned(features_of(history, self.names, self.encoded))
        proba = self.artifact.model.predict_proba(aligned) if len(aligned) else None
        return pd.DataFrame(
            proba, index=aligned.index.astype(int), columns=self.artifact.persona_ids, dtype=float
        )

    def views(self, moment: datetime) -> Views:
        """Both views as known at ``moment`` (computed once per moment)."""
        if moment not in self._views:
            recent = self.records.since(moment - timedelta(days=RECENT_DAYS))
            self._views[moment] = Views(
                self.probabilities(self.records, moment), self.probabilities(recent, moment)
            )
        return self._views[moment]

    def first_message(self) -> datetime | None:
        """When the book's first message was sent (None: no messages)."""
        first = self.records.messages["sent_at"].min()
        return pd.Timestamp(first).to_pydatetime() if pd.notna(first) else None


def fit_outlook(reader: ViewReader, now: datetime) -> OutlookModel:
    """Learn the forecast from the book's past: monthly moments whose 90 days on are known."""
    persona_ids = reader.artifact.persona_ids
    began = reader.first_message()
    inputs: list[np.ndarray] = []
    labels: list[np.ndarray] = []
    moments = [now - timedelta(days=HORIZON_DAYS + STEP_DAYS * step) for step in range(MAX_MOMENTS)]
    for moment in moments:
        if began is None or moment < began + timedelta(days=RECENT_DAYS):
            break
        views = reader.views(moment)
        later = reader.views(moment + timedelta(days=HORIZON_DAYS)).lately()
        both = views.lifetime.index.intersection(later.index)
        if len(both):
            known = Views(views.lifetime.loc[both], views.recent)
            inputs.append(known.matrix())
            labels.append(later.loc[both].to_numpy().argmax(axis=1))
    if not inputs:
        return OutlookModel(persona_ids, DEFAULT_STAY_RATE, 0)
    features, targets = np.vstack(inputs), np.concatenate(labels)
    current = features[:, : len(persona_ids)].argmax(axis=1)
    stay_rate = float(np.mean(current == targets))
    if len(targets) < MIN_EXAMPLES or len(np.unique(targets)) < 2:
        return OutlookModel(persona_ids, stay_rate, len(targets))
    classifier = LogisticRegression(C=1.0, max_iter=2000).fit(features, targets)
    return OutlookModel(persona_ids, stay_rate, len(targets), classifier)


@dataclass(frozen=True)
class OutlookSummary:
    """What one forecast did, for the pipeline's summary line."""

    customers: int
    examples: int
    learned: bool
    likely_to_move: int

    def __str__(self) -> str:
        """One plain line: how many customers, learned from what, how many likely to move."""
        source = (
            f"learned from {self.examples:,} past placements"
            if self.learned
            else f"too little history to learn from ({self.examples:,} past placements): "
            "no-change forecast"
        )
        return (
            f"{self.likely_to_move} of {self.customers} customers likely to change persona "
            f"within {HORIZON_DAYS} days ({source})"
        )


def update_outlooks(*, db_session: Session, settings: Settings) -> OutlookSummary:
    """Forecast every customer's persona in 90 days and store it, replacing the last forecast.

    The forecast is learned afresh each time from history as of ``settings.as_of`` (None:
    everything), since every pipeline run adds history and may re-place customers.
    """
    registered, artifact = latest_artifact(db_session=db_session, settings=settings)
    reader = ViewReader(db_session=db_session, artifact=artifact, as_of=settings.as_of)
    model = fit_outlook(reader, reader.now)
    views = reader.views(reader.now)
    forecast = model.predict(views)
    chances = forecast.to_numpy()
    db_session.execute(delete(PersonaOutlook))
    predicted_at = (settings.as_of or utc_now()).astimezone(UTC)
    db_session.add_all(
        PersonaOutlook(
            customer_id=customer_id,
            persona_id=persona_id,
            probability=round(float(chance), 4),
            horizon_days=HORIZON_DAYS,
            learned=model.learned,
            model_version=registered.tag,
            predicted_at=predicted_at,
        )
        for customer_id, row in zip(forecast.index.astype(int).tolist(), chances, strict=True)
        for persona_id, chance in zip(model.persona_ids, row, strict=True)
    )
    db_session.flush()
    staying = chances[np.arange(len(chances)), views.lifetime.to_numpy().argmax(axis=1)]
    return OutlookSummary(
        customers=len(forecast),
        examples=model.examples,
        learned=model.learned,
        likely_to_move=int((staying < LIKELY).sum()),
    )
