"""Train the product churn model on the database and score every active customer into churn_scores.

``fit_and_register`` builds the point-in-time training set, fits the horizon model and registers
it (kind ``churn``); ``score_customers`` scores every customer still active with the latest such
model (training one first when none is registered): probability per horizon with its interval on
small books, plain-language drivers, and interventions for customers at risk.
"""

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from cspersona.config import Settings
from cspersona.customers.models import Customer
from cspersona.db.types import utc_now
from cspersona.personas.models import Persona, PersonaMapping
from cspersona.predict import service
from cspersona.predict.artifact import ChurnModelFile
from cspersona.predict.drivers import top_drivers
from cspersona.predict.interventions import PersonaHint, recommend
from cspersona.predict.models import ChurnScore
from cspersona.predict.phrases import feature_templates
from cspersona.predict.product import (
    PRODUCT_TRAINED_ON,
    driver_document,
    fit_product_model,
)
from cspersona.predict.training_set import (
    HORIZONS_DAYS,
    FeatureFunction,
    as_at_cutoff,
    build_training_set,
    lifelines,
)
from cspersona.registry import service as registry
from cspersona.registry.models import TrainedModel

# A customer is at risk when its 90-day probability is at least this multiple of the book's mean.
AT_RISK_FACTOR = 2.0
DRIVERS_KEPT = 5

Progress = Callable[[int, int], None]


def fit_and_register(
    *,
    db_session: Session,
    settings: Settings,
    features: FeatureFunction,
    learner: str = "auto",
    calibration: str = "sigmoid",
    progress: Progress | None = None,
) -> tuple[ChurnModelFile, TrainedModel]:
    """Train the product churn model on the database's snapshots and register it."""
    training = build_training_set(db_session=db_session, features=features, progress=progress)
    model = fit_product_model(training, learner=learner, calibration=calibration)
    registered = service.register(db_session=db_session, data_dir=settings.data_dir, model=model)
    return model, registered


def latest_product_model(
    *, db_session: Session, settings: Settings
) -> tuple[ChurnModelFile, TrainedModel] | None:
    """The newest registered churn model trained on the database, if any."""
    for registered in reversed(registry.get_all(db_session=db_session, kind=service.CHURN_KIND)):
        if registered.training_summary.get("table") == PRODUCT_TRAINED_ON:
            artifact = registry.load(model=registered, data_dir=settings.data_dir)
            if isinstance(artifact, ChurnModelFile):
                return artifact, registered
    return None


def persona_hints(*, db_session: Session, customer_ids: Sequence[int]) -> dict[int, PersonaHint]:
    """Each customer's latest persona, for interventions that suit it."""
    rows = db_session.execute(
        select(PersonaMapping.customer_id, Persona.name, Persona.narrative)
        .join(Persona, Persona.id == PersonaMapping.persona_id)
        .where(PersonaMapping.customer_id.in_(customer_ids))
        .order_by(PersonaMapping.assigned_at)
    )
    return {
        customer_id: PersonaHint(name=name, description=narrative or "")
        for customer_id, name, narrative in rows
    }


def score_customers(
    *,
    db_session: Session,
    settings: Settings,
    features: FeatureFunction,
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
    frame = features(db_session=db_session, as_of=None)
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
        templates=feature_templates(estimator.schema_.feature_columns),
    )
    personas = persona_hints(db_session=db_session, customer_ids=active)
    longest = prediction.probability[:, -1]
    at_risk = longest >= AT_RISK_FACTOR * float(longest.mean())
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
                    "drivers": service.json_ready(driver_document(drivers[position])),
                    "interventions": interventions,
                    "model_version": registered.tag,
                    "scored_at": scored_at,
                }
            )
    db_session.execute(insert(ChurnScore), rows)
    db_session.flush()
    return len(active)


def _bounded(value: float) -> float:
    return float(min(1.0, max(0.0, round(float(value), 6))))


def _interval(bounds: np.ndarray | None, position: int, index: int) -> float | None:
    return None if bounds is None else _bounded(bounds[position, index])
