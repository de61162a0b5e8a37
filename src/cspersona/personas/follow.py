"""The pipeline's persona step: personas follow customers as their behaviour changes.

The first run builds personas. Every later run places every active customer again from their
latest features with the stored model (new customers too), records a snapshot per customer and a
switch for each who moved past the margin (:mod:`cspersona.personas.placement`), and measures the
drift (:mod:`cspersona.personas.drift`). When drift passes a refit threshold the run refits
instead, with the same number of personas, and the refit keeps persona ids and names by matching.
"""

from datetime import datetime

import pandas as pd
from sklearn.base import clone
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspersona.config import Settings
from cspersona.customers.models import LifecycleEvent, LifecycleKind
from cspersona.db.types import utc_now
from cspersona.exceptions import BadInput
from cspersona.personas.artifact import PERSONA_KIND, latest_artifact
from cspersona.personas.assignment import latest_assignments, write_placement
from cspersona.personas.build import build_personas
from cspersona.personas.drift import Drift, measure_drift
from cspersona.personas.edits import merge_targets
from cspersona.personas.features import persona_features
from cspersona.personas.models import Persona
from cspersona.personas.placement import Placement, place
from cspersona.personas.schemas import BuildFigures
from cspersona.registry.models import TrainedModel


def churned_customers(db_session: Session, as_of: datetime | None) -> set[int]:
    """Customers with a churn event (before ``as_of``): they are no longer placed."""
    statement = select(LifecycleEvent.customer_id).where(
        LifecycleEvent.kind == LifecycleKind.CHURNED
    )
    if as_of is not None:
        statement = statement.where(LifecycleEvent.at < as_of)
    return set(db_session.scalars(statement))


def _placed_detail(drift: Drift, placed: Placement, settings: Settings) -> str:
    """The run's summary when the stored model still fits: what moved, and the thresholds."""
    changed = (
        f"{drift.best_changed} of {drift.compared} customers changed persona "
        f"({drift.changed_share:.1%})"
    )
    switched = int(placed.switched.sum())
    if drift.best_changed:
        changed += f": {switched} switched"
    if drift.best_changed > switched:
        changed += (
            f", the rest stay within the switch margin ({settings.persona_switch_margin:.2f}) "
            "or are no longer active"
        )
    parts = [changed, f"{len(placed.customer_ids)} active customers placed again"]
    new = int((~placed.known).sum())
    if new:
        parts[-1] += f", {new} of them new"
    fit = f"mean fit {drift.fit_now:.2f}"
    if drift.fit_at_build is not None:
        fit += f" ({drift.fit_at_build:.2f} at the build)"
    parts.append(f"{fit}, persona centres moved at most {drift.centroid_shift:.2f} of a radius")
    parts.append(
        "drift below the refit thresholds "
        f"({settings.persona_refit_switch_share:.0%} changing persona, "
        f"{settings.persona_refit_centroid_shift:.2f} of a radius, "
        f"a fit drop of {settings.persona_refit_fit_drop:.2f})"
    )
    return "; ".join(parts)


def _refit_detail(reasons: list[str], result: BuildFigures) -> str:
    """The run's summary when drift called for a refit."""
    switched = f"{result.switches} customer{'s' if result.switches != 1 else ''} switched persona"
    return (
        f"refitted as {result.model_version} because {' and '.join(reasons)}: "
        f"{result.k} personas, ids and names kept by matching; {switched}"
    )


def follow_customers(
    *, db_session: Session, settings: Settings, features: pd.DataFrame | None = None
) -> tuple[int, str]:
    """Place every active customer again, record who moved, refit when drift passes a threshold.

    ``features`` is a precomputed matrix (None: computed from the database as of
    ``settings.as_of``). Returns the customers placed and the run's summary in words.
    """
    registered, artifact = latest_artifact(db_session=db_session, settings=settings)
    if features is None:
        features = persona_features(db_session=db_session, as_of=settings.as_of)
    # Drift is measured on every customer the model was fitted on (churned ones too), so that
    # an unchanged book measures no drift; only active customers are placed again.
    everyone = artifact.aligned(features)
    if everyone.empty:
        return 0, "no customers with data to place"
    placement = place(
        artifact,
        everyone,
        latest_assignments(db_session),
        settings.persona_switch_margin,
        merge_targets(db_session),
    )
    fit_at_build = (registered.metrics or {}).get("mean_confidence")
    drift = measure_drift(artifact, everyone, placement, fit_at_build)
    active = ~everyone.index.isin(churned_customers(db_session, settings.as_of))
    names = {persona.id: persona.name for persona in db_session.scalars(select(Persona))}
    reasons = drift.refit_reasons(settings, names)
    if reasons:
        # The same estimator and number of personas: a new k is a deliberate `personas build`.
        model = clone(artifact.model).set_params(n_personas=artifact.model.n_personas_)
        result = build_personas(
            db_session=db_session,
            settings=settings,
            as_of=settings.as_of,
            features=features,
            model=model,
        )
        return result.customers, _refit_detail(reasons, result)
    placed = placement.subset(active)
    write_placement(
        db_session=db_session,
        artifact=artifact,
        model_tag=registered.tag,
        frame=everyone[active],
        placement=placed,
        taken_at=settings.as_of or utc_now(),
    )
    return len(placed.customer_ids), _placed_detail(drift, placed, settings)


def update_personas(*, db_session: Session, settings: Settings) -> tuple[int, str]:
    """The pipeline's step: build on the first run, then follow every active customer.

    Returns the customers processed and the run's summary in words.
    """
    has_model = db_session.scalar(
        select(func.count()).select_from(TrainedModel).where(TrainedModel.kind == PERSONA_KIND)
    )
    try:
        if has_model:
            return follow_customers(db_session=db_session, settings=settings)
        result = build_personas(db_session=db_session, settings=settings, as_of=settings.as_of)
    except BadInput as error:
        return 0, f"skipped: {error.message}"
    return result.customers, f"{result.model_version}: {result.k} personas"
