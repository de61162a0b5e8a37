"""Train the product churn model on the database and score every active customer into churn_scores.

``fit_and_register`` builds the point-in-time training set, fits the horizon model and registers
it (kind ``churn``), and the expansion model on the same snapshots (kind ``expansion``);
``score_customers`` scores every customer still active with the latest such models (training them
first when none is registered): churn probability per horizon with its interval on small books,
plain-language drivers and interventions for customers at risk, and expansion likelihood, next
features and timing.
"""

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from cspersona.analytics import glossary
from cspersona.analytics.features import feature_matrix
from cspersona.analytics.history import load_history
from cspersona.config import Settings
from cspersona.customers.models import Customer
from cspersona.db.documents import json_ready
from cspersona.db.types import utc_now
from cspersona.exceptions import NotFound
from cspersona.personas.features import topic_column_name, topic_names
from cspersona.personas.models import Persona, PersonaMapping
from cspersona.predict import expansion
from cspersona.predict.artifact import CHURN_KIND, ChurnModelFile, register_model
from cspersona.predict.classifier import ChurnClassifier
from cspersona.predict.drivers import Describer, top_drivers
from cspersona.predict.expansion import expansion_dates, expansion_labels
from cspersona.predict.expansion_features import (
    expansion_history,
    expansion_table,
    usage_peaks,
    with_expansion_signals,
)
from cspersona.predict.interventions import PersonaHint, recommend
from cspersona.predict.models import ChurnScore, ExpansionScore
from cspersona.predict.product import (
    PRODUCT_TRAINED_ON,
    driver_document,
    fit_product_model,
)
from cspersona.predict.tiers import RiskTier, risk_tiers, times_book_average
from cspersona.predict.training_set import (
    CENSORED,
    HORIZONS_DAYS,
    FeatureFunction,
    TrainingSet,
    as_at_cutoff,
    build_training_set,
    lifelines,
)
from cspersona.registry import service as registry
from cspersona.registry.models import TrainedModel

DRIVERS_KEPT = 5

Progress = Callable[[int, int], None]


def fit_and_register(
    *,
    db_session: Session,
    settings: Settings,
    features: FeatureFunction = feature_matrix,
    learner: str = "auto",
    calibration: str = "sigmoid",
    progress: Progress | None = None,
) -> tuple[ChurnModelFile, TrainedModel]:
    """Train the product churn model on the database's snapshots and register it."""
    training = build_training_set(db_session=db_session, features=features, progress=progress)
    model = fit_product_model(training, learner=learner, calibration=calibration)
    registered = register_model(db_session=db_session, data_dir=settings.data_dir, model=model)
    fit_and_register_expansion(db_session=db_session, settings=settings, training=training)
    return model, registered


def fit_and_register_expansion(
    *, db_session: Session, settings: Settings, training: TrainingSet
) -> TrainedModel | None:
    """Train and register the expansion model on the churn snapshots; None if nobody expanded."""
    lives = lifelines(db_session=db_session)
    expanded = expansion_dates(db_session=db_session)
    labels = expansion_labels(training, expanded, lives.data_end)
    known = labels[labels != CENSORED]
    if min(int(known.sum()), int(len(known) - known.sum())) < 2:
        return None
    table = expansion_table(
        training, expanded, db_session=db_session, personas=current_personas(db_session=db_session)
    )
    model = expansion.fit_expansion_model(table, labels, training.customer_ids)
    return registry.register(
        db_session=db_session,
        data_dir=settings.data_dir,
        kind=expansion.EXPANSION_KIND,
        artifact=model,
        params=json_ready(model.get_params(deep=False)),
        features=model.schema_.feature_columns,
        training_summary=json_ready(
            {
                "table": PRODUCT_TRAINED_ON,
                "horizon_days": expansion.HORIZON_DAYS,
                "snapshots": len(known),
                "expanded": int(known.sum()),
                **model.summary_,
            }
        ),
        metrics=json_ready(model.metrics_),
    )


def current_personas(*, db_session: Session) -> dict[int, str]:
    """Each customer's latest persona name."""
    return {
        customer_id: hint.name
        for customer_id, hint in persona_hints(db_session=db_session, customer_ids=None).items()
    }


def latest_product_model(
    *, db_session: Session, settings: Settings
) -> tuple[ChurnModelFile, TrainedModel] | None:
    """The newest registered churn model trained on the database, if any."""
    for registered in reversed(registry.get_all(db_session=db_session, kind=CHURN_KIND)):
        if registered.training_summary.get("table") == PRODUCT_TRAINED_ON:
            artifact = registry.load(model=registered, data_dir=settings.data_dir)
            if isinstance(artifact, ChurnModelFile):
                return artifact, registered
    return None


def persona_hints(
    *, db_session: Session, customer_ids: Sequence[int] | None
) -> dict[int, PersonaHint]:
    """Each customer's latest persona (of these customers, or all), for what suits it."""
    query = (
        select(PersonaMapping.customer_id, Persona)
        .join(Persona, Persona.id == PersonaMapping.persona_id)
        .order_by(PersonaMapping.id)
    )
    if customer_ids is not None:
        query = query.where(PersonaMapping.customer_id.in_(customer_ids))
    hints: dict[int, PersonaHint] = {}
    described: dict[int, PersonaHint] = {}
    for customer_id, persona in db_session.execute(query):
        if persona.id not in described:
            described[persona.id] = PersonaHint(persona.name, _clear_leanings(persona))
        hints[customer_id] = described[persona.id]
    return hints


def feature_words(db_session: Session) -> Describer:
    """The glossary's words for a feature, with topic shares named after their topics."""
    names = topic_names(db_session=db_session)

    def describe(column: str, value: float, typical: float | None) -> str:
        return glossary.describe(topic_column_name(column, names), value, typical)

    return describe


def _clear_leanings(persona: Persona) -> str:
    """The persona's profile poles it clearly leans to ("technical", "data-driven").

    Poles it sits between ("between non-technical and technical") say nothing of what it wants,
    so they are left out; the narrative is not read, since it names both poles of such a pair.
    """
    dimensions = persona.profile.dimensions.values()
    return ", ".join(item.value for item in dimensions if not item.value.startswith("between"))


def score_customers(
    *,
    db_session: Session,
    settings: Settings,
    features: FeatureFunction = feature_matrix,
    progress: Progress | None = None,
) -> int:
    """Score every active customer for 30/60/90 days into ``churn_scores``; return how many.

    Replaces those customers' previous scores, so the table holds the current view.
    """
    found = latest_product_model(db_session=db_session, settings=settings)
    model, registered = found or fit_and_register(
        db_session=db_session, settings=settings, features=features, progress=progress
    )
    lives = lifelines(db_session=db_session)
    frame = features(load_history(db_session=db_session))
    active = [c for c in frame.index if c in lives.started_at and c not in lives.churned_at]
    if not active:
        return 0
    contract_starts = dict(db_session.execute(select(Customer.id, Customer.contract_start)).all())
    frame = as_at_cutoff(frame.loc[active].astype(np.float64), lives.data_end, contract_starts)
    for column in model.estimator.schema_.feature_columns:
        if column not in frame.columns:
            frame[column] = np.nan  # a feature the data no longer yields: unknown, not zero
    estimator = model.estimator
    elapsed = np.zeros(len(frame))
    prediction = estimator.predict_churn(frame, horizons_days=HORIZONS_DAYS, elapsed_days=elapsed)
    drivers = top_drivers(
        estimator.contributions(frame, elapsed_days=elapsed),
        estimator.schema_.transform(frame),
        estimator.schema_.typical_,
        top=DRIVERS_KEPT,
        describe=feature_words(db_session),
    )
    personas = persona_hints(db_session=db_session, customer_ids=active)
    tiers = [
        risk_tiers(
            prediction.probability[:, index],
            high_share=settings.churn_high_risk_share,
            elevated_share=settings.churn_elevated_risk_share,
        )
        for index in range(len(HORIZONS_DAYS))
    ]
    multiples = [
        times_book_average(prediction.probability[:, i]) for i in range(len(HORIZONS_DAYS))
    ]
    # Interventions go to the high tier at the longest horizon: the customers to act on now.
    at_risk = [tier is RiskTier.HIGH for tier in tiers[-1]]
    db_session.execute(delete(ChurnScore).where(ChurnScore.customer_id.in_(active)))
    scored_at = utc_now()
    rows: list[dict[str, Any]] = []
    for position, customer_id in enumerate(active):
        interventions = (
            [item.as_json() for item in recommend(drivers[position], personas.get(customer_id))]
            if at_risk[position]
            else []
        )
        for index, days in enumerate(HORIZONS_DAYS):
            rows.append(
                {
                    "customer_id": int(customer_id),
                    "horizon_days": days,
                    "probability": _bounded(prediction.probability[position, index]),
                    "probability_low": _interval(prediction.low, position, index),
                    "probability_high": _interval(prediction.high, position, index),
                    "risk_tier": tiers[index][position].value,
                    "times_book_average": float(multiples[index][position]),
                    "drivers": json_ready(driver_document(drivers[position])),
                    "interventions": interventions,
                    "model_version": registered.tag,
                    "scored_at": scored_at,
                }
            )
    db_session.execute(insert(ChurnScore), rows)
    score_expansion(db_session=db_session, settings=settings, frame=frame, as_of=lives.data_end)
    db_session.flush()
    return len(active)


def score_expansion(
    *, db_session: Session, settings: Settings, frame: pd.DataFrame, as_of: datetime
) -> int:
    """Expansion likelihood, next features and timing for these customers' features at ``as_of``."""
    try:
        registered = registry.get_latest(db_session=db_session, kind=expansion.EXPANSION_KIND)
    except NotFound:
        return 0
    model = registry.load(model=registered, data_dir=settings.data_dir)
    if not isinstance(model, ChurnClassifier):
        return 0
    customers = [int(c) for c in frame.index]
    table = with_expansion_signals(
        frame,
        usage_peaks(db_session=db_session),
        expansion_history(customers, expansion_dates(db_session=db_session), as_of),
        current_personas(db_session=db_session),
    )
    for column in model.schema_.feature_columns:
        if column not in table.columns:
            table[column] = np.nan
    likelihood = model.predict_proba(table)[:, 1]
    drivers = top_drivers(
        model.contributions(table),
        model.schema_.transform(table),
        model.schema_.typical_,
        top=DRIVERS_KEPT,
        describe=feature_words(db_session),
    )
    next_scores = expansion.next_feature_scores(expansion.adoption_matrix(db_session=db_session))
    severe = expansion.open_severe_tickets(db_session=db_session, customer_ids=customers)
    db_session.execute(delete(ExpansionScore).where(ExpansionScore.customer_id.in_(customers)))
    scored_at = utc_now()
    db_session.execute(
        insert(ExpansionScore),
        [
            {
                "customer_id": customer_id,
                "likelihood": _bounded(likelihood[position]),
                "drivers": json_ready(
                    [
                        {**item, "phrase": item["phrase"].replace("churn risk", "expansion odds")}
                        for item in driver_document(drivers[position])
                    ]
                ),
                "next_features": expansion.top_next_features(next_scores, customer_id),
                "timing": expansion.timing_advice(table.iloc[position], severe.get(customer_id, 0)),
                "model_version": registered.tag,
                "scored_at": scored_at,
            }
            for position, customer_id in enumerate(customers)
        ],
    )
    return len(customers)


def _bounded(value: float) -> float:
    return float(min(1.0, max(0.0, round(float(value), 6))))


def _interval(bounds: np.ndarray | None, position: int, index: int) -> float | None:
    return None if bounds is None else _bounded(bounds[position, index])
