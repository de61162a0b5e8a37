"""Persona operations: build (fit, match, profile, store), assign, read, feedback, explain."""

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from cspersona.analytics.text_style import own_text
from cspersona.config import Settings
from cspersona.conversations.models import AuthorRole, Interaction, Message
from cspersona.customers.models import Customer
from cspersona.db.documents import json_ready
from cspersona.db.types import utc_now
from cspersona.exceptions import BadInput, NotFound
from cspersona.llm.factory import client_from_settings
from cspersona.personas import narratives, profiles
from cspersona.personas.artifact import PersonaArtifact
from cspersona.personas.clustering import PersonaModel
from cspersona.personas.features import persona_features
from cspersona.personas.matching import match_centroids
from cspersona.personas.misfits import dense_misfit_groups
from cspersona.personas.models import (
    Persona,
    PersonaFeedback,
    PersonaMapping,
    PersonaSnapshot,
    PersonaSwitch,
)
from cspersona.personas.overlays import industry_overlays
from cspersona.personas.schemas import BuildFigures, PersonaSummary
from cspersona.pii.anonymizer import PiiRedactor
from cspersona.registry import service as registry
from cspersona.registry.models import TrainedModel

PERSONA_KIND = "persona"
MIN_CUSTOMERS = 10
QUOTES_PER_PERSONA = 3
QUOTE_CHARACTERS = (60, 320)
SWITCH_CHANGES = 5
Progress = Callable[[float, str | None], None]


def _no_progress(fraction: float, message: str | None = None) -> None:
    """Progress reporting for callers that do not watch."""


# Building ------------------------------------------------------------------------------------


def _customer_facts(db_session: Session, ids: list[int]) -> pd.DataFrame:
    """Industry and ARR of the given customers, for shares and overlays."""
    rows = db_session.execute(
        select(Customer.id, Customer.industry, Customer.arr).where(Customer.id.in_(ids))
    ).all()
    facts = pd.DataFrame(rows, columns=["customer_id", "industry", "arr"]).set_index("customer_id")
    return facts.reindex(ids)


def _latest_assignments(db_session: Session) -> dict[int, int]:
    """Each customer's persona in their newest snapshot (empty before the first build)."""
    newest = (
        select(PersonaSnapshot.customer_id, func.max(PersonaSnapshot.id).label("id"))
        .group_by(PersonaSnapshot.customer_id)
        .subquery()
    )
    rows = db_session.execute(
        select(PersonaSnapshot.customer_id, PersonaSnapshot.persona_id).join(
            newest, PersonaSnapshot.id == newest.c.id
        )
    )
    return {int(customer_id): int(persona_id) for customer_id, persona_id in rows}


def _match_to_existing(
    db_session: Session, customer_ids: list[int], reduced: np.ndarray, labels: np.ndarray
) -> dict[int, Persona]:
    """Cluster label -> the active persona it continues (Hungarian matching on centroids).

    Each old persona's centroid is the mean, in the new model's space, of the customers it held
    last time, so old and new centroids are comparable although the reduction was refitted.
    """
    previous = _latest_assignments(db_session)
    active = {
        persona.id: persona
        for persona in db_session.scalars(select(Persona).where(Persona.active.is_(True)))
    }
    row_of = {customer_id: row for row, customer_id in enumerate(customer_ids)}
    old_ids, old_centroids = [], []
    for persona_id in active:
        rows = [row_of[c] for c, p in previous.items() if p == persona_id and c in row_of]
        if rows:
            old_ids.append(persona_id)
            old_centroids.append(reduced[rows].mean(axis=0))
    if not old_ids:
        return {}
    clusters = np.unique(labels[labels >= 0])
    new_centroids = np.vstack([reduced[labels == label].mean(axis=0) for label in clusters])
    matches = match_centroids(np.vstack(old_centroids), new_centroids)
    return {int(clusters[new]): active[old_ids[old]] for new, old in matches.items()}


def _quotes(
    db_session: Session, customer_ids: list[int], redactor: PiiRedactor
) -> list[dict[str, Any]]:
    """One anonymised message (quoted replies cut) from each of the persona's most typical."""
    shortest, longest = QUOTE_CHARACTERS
    quotes = []
    for customer_id in customer_ids:
        text = db_session.scalar(
            select(Message.text)
            .join(Interaction, Interaction.id == Message.interaction_id)
            .where(
                Interaction.customer_id == customer_id,
                Message.author_role == AuthorRole.CUSTOMER,
                func.length(Message.text).between(shortest, longest),
            )
            .order_by(Message.sent_at.desc())
            .limit(1)
        )
        own = " ".join(own_text(pd.Series([text or ""])).iloc[0].split())
        if len(own) >= shortest:
            quotes.append({"text": redactor.redact(own)})
        if len(quotes) == QUOTES_PER_PERSONA:
            break
    return quotes


def _profile(
    frame: pd.DataFrame,
    facts: pd.DataFrame,
    members: np.ndarray,
    typical_ids: list[int],
    taken_names: set[str],
    db_session: Session,
    redactor: PiiRedactor,
) -> dict[str, Any]:
    """A persona profile: data-derived traits, shares, industries, quotes and narrative."""
    profile = profiles.build_profile(frame, members, taken_names)
    arr = facts["arr"].fillna(0.0).to_numpy()
    industries = facts.loc[members, "industry"].fillna("Unknown").value_counts(normalize=True)
    profile["share"] = {
        "customers": round(float(members.mean()), 4),
        "arr": round(float(arr[members].sum() / arr.sum()), 4) if arr.sum() > 0 else 0.0,
        "arr_total": round(float(arr[members].sum()), 2),
    }
    profile["industries"] = {str(key): round(float(value), 3) for key, value in industries.items()}
    profile["industry_overlays"] = industry_overlays(profile["industries"])
    profile["quotes"] = _quotes(db_session, typical_ids, redactor)
    profile["narrative"] = profiles.narrative(profile)
    return profile


def _typical_customers(
    customer_ids: list[int],
    reduced: np.ndarray,
    labels: np.ndarray,
    centroid: np.ndarray,
    label: int,
) -> list[int]:
    """The persona's customers nearest its centroid, nearest first."""
    rows = np.flatnonzero(labels == label)
    distance = ((reduced[rows] - centroid) ** 2).sum(axis=1)
    return [customer_ids[row] for row in rows[np.argsort(distance)][: QUOTES_PER_PERSONA * 4]]


def _store_persona(
    db_session: Session, persona: Persona | None, profile: dict[str, Any], version: int
) -> Persona:
    """Create a persona or update the one a cluster continues (its id and name stay)."""
    if persona is None:
        persona = Persona(name=profile["name"])
        db_session.add(persona)
    else:
        profile["name"] = persona.name
        profile["narrative"] = profiles.narrative(profile)
    dims = profile["dimensions"]
    persona.version = version
    persona.active = True
    persona.traits = json_ready(profile)
    persona.communication_style = json_ready(
        {"formality": dims["formality"], "technical_level": dims["technical_level"]}
    )
    persona.risk_factors = json_ready(
        {"triggers": profile["triggers"], "pain_points": profile["pain_points"]}
    )
    persona.narrative = profile["narrative"]
    return persona


def _write_narratives_with_llm(
    db_session: Session, settings: Settings, personas: list[Persona]
) -> None:
    """Replace the template narratives with the configured LLM's, where it answers."""
    client = client_from_settings(settings, db_session=db_session)
    if client is None:
        return
    for persona in personas:
        written = narratives.written_narrative(persona.traits, client=client)
        if written is not None:
            persona.narrative = written
            persona.traits = {**persona.traits, "narrative_by": client.provider.model}


def _switch_changes(
    customer_z: pd.Series, old_centroid: pd.Series, new_centroid: pd.Series
) -> list[dict[str, Any]]:
    """What moved a customer: features where they now sit far from the old persona's mean."""
    gap = (customer_z - old_centroid).abs().dropna().sort_values(ascending=False)
    return [
        {
            "feature": feature,
            "customer_z": round(float(customer_z[feature]), 2),
            "old_persona_z": round(float(old_centroid[feature]), 2),
            "new_persona_z": round(float(new_centroid.get(feature, np.nan)), 2),
        }
        for feature in gap.index[:SWITCH_CHANGES]
    ]


def _persona_centroids(db_session: Session, features: list[str]) -> dict[int, pd.Series]:
    """Every persona's stored centroid (mean z-score per feature)."""
    return {
        persona.id: pd.Series(persona.centroid[0], dtype=float).reindex(features)
        for persona in db_session.scalars(select(Persona))
        if persona.centroid
    }


def record_assignments(
    *,
    db_session: Session,
    artifact: PersonaArtifact,
    model_tag: str,
    frame: pd.DataFrame,
    taken_at: datetime,
) -> int:
    """Map, snapshot and (on a change of persona) alert for every customer in ``frame``.

    Returns the number of switching alerts raised.
    """
    model = artifact.model
    labels = model.predict(frame)
    confidence = model.confidence(frame)
    coordinates = model.map_coordinates(frame)
    personas = artifact.persona_of(labels)
    previous = _latest_assignments(db_session)
    standardised = artifact.standardised(frame)
    centroids = _persona_centroids(db_session, artifact.features)
    switches = 0
    for row, customer_id in enumerate(frame.index.astype(int)):
        persona_id = int(personas[row])
        db_session.add(
            PersonaMapping(
                customer_id=customer_id,
                persona_id=persona_id,
                confidence_score=float(confidence[row]),
                assigned_at=taken_at,
                model_version=model_tag,
                misfit=bool(confidence[row] < model.misfit_threshold),
                map_x=float(coordinates[row, 0]),
                map_y=float(coordinates[row, 1]),
            )
        )
        db_session.add(
            PersonaSnapshot(
                customer_id=customer_id,
                persona_id=persona_id,
                confidence=float(confidence[row]),
                taken_at=taken_at,
                model_version=model_tag,
            )
        )
        before = previous.get(customer_id)
        if before is not None and before != persona_id:
            switches += 1
            changes = _switch_changes(
                standardised.iloc[row],
                centroids.get(before, pd.Series(dtype=float)),
                centroids.get(persona_id, pd.Series(dtype=float)),
            )
            db_session.add(
                PersonaSwitch(
                    customer_id=customer_id,
                    from_persona_id=before,
                    to_persona_id=persona_id,
                    detected_at=taken_at,
                    model_version=model_tag,
                    changes=json_ready(changes),
                )
            )
    db_session.flush()
    return switches


def _suggestions(
    frame: pd.DataFrame,
    model: PersonaModel,
    reduced: np.ndarray,
    misfit: np.ndarray,
    taken_names: set[str],
) -> list[dict[str, Any]]:
    """Draft profiles for dense groups of misfits: personas the book may be missing."""
    suggestions = []
    for group in dense_misfit_groups(reduced, misfit, radius=model.radius_scale_):
        members = np.zeros(len(frame), dtype=bool)
        members[group] = True
        draft = profiles.build_profile(frame, members, taken_names)
        draft["narrative"] = profiles.narrative(draft)
        draft["customer_ids"] = [int(customer_id) for customer_id in frame.index[group]]
        suggestions.append(draft)
    return suggestions


def _require_customers(count: int) -> None:
    """Refuse to cluster fewer customers than personas can be told apart on."""
    if count < MIN_CUSTOMERS:
        raise BadInput(f"personas need at least {MIN_CUSTOMERS} customers with data; found {count}")


def build_personas(
    *,
    db_session: Session,
    settings: Settings,
    as_of: datetime | None = None,
    features: pd.DataFrame | None = None,
    model: PersonaModel | None = None,
    progress: Progress | None = None,
) -> BuildFigures:
    """Fit personas on every customer's features, keep ids by matching, store and register them.

    ``features`` is a precomputed matrix (None: computed from the database as of ``as_of``);
    ``model`` an unfitted :class:`PersonaModel` (None: the defaults).
    """
    report = progress or _no_progress
    started = time.perf_counter()
    report(0.0, "computing features")
    if features is None:
        _require_customers(db_session.scalar(select(func.count()).select_from(Customer)) or 0)
        features = persona_features(db_session=db_session, as_of=as_of)
    frame = features.dropna(axis=1, how="all")
    _require_customers(len(frame))
    report(0.1, f"fitting personas on {len(frame)} customers")
    estimator = model if model is not None else PersonaModel(random_state=0)
    estimator.fit(frame)
    report(0.6, "profiling personas")
    customer_ids = [int(customer_id) for customer_id in frame.index]
    reduced = estimator.reduce(frame)
    labels = estimator.labels_
    continued = _match_to_existing(db_session, customer_ids, reduced, labels)
    facts = _customer_facts(db_session, customer_ids)
    # Type tags (<PERSON>) rather than pseudonyms: a reader sees at once the quote is redacted.
    redactor = PiiRedactor.from_settings(settings, operator="replace")
    taken_names = {persona.name for persona in continued.values()}
    version = (
        db_session.scalar(
            select(func.max(TrainedModel.version)).where(TrainedModel.kind == PERSONA_KIND)
        )
        or 0
    ) + 1
    standardised = (frame - frame.mean()) / frame.std(ddof=0).replace(0.0, np.nan)
    persona_rows: list[Persona] = []
    for label in range(estimator.n_personas_):
        members = labels == label
        typical = _typical_customers(
            customer_ids, reduced, labels, estimator.cluster_centers_[label], label
        )
        profile = _profile(frame, facts, members, typical, taken_names, db_session, redactor)
        persona = _store_persona(db_session, continued.get(label), profile, version)
        persona.centroid = [json_ready(standardised[members].mean().to_dict())]
        taken_names.add(persona.name)
        persona_rows.append(persona)
    for persona in db_session.scalars(select(Persona).where(Persona.active.is_(True))):
        if persona not in persona_rows:
            persona.active = False
    _write_narratives_with_llm(db_session, settings, persona_rows)
    db_session.flush()
    misfit = estimator.is_misfit(frame)
    suggestions = _suggestions(frame, estimator, reduced, misfit, taken_names)
    chosen = next(row for row in estimator.validation_ if row["chosen"])
    artifact = PersonaArtifact(
        model=estimator,
        features=list(frame.columns),
        book_mean=frame.mean(),
        book_std=frame.std(ddof=0),
        persona_ids=[persona.id for persona in persona_rows],
    )
    report(0.8, "registering the model")
    registered = registry.register(
        db_session=db_session,
        data_dir=settings.data_dir,
        kind=PERSONA_KIND,
        artifact=artifact,
        params=json_ready(
            {
                key: value if isinstance(value, int | float | str | tuple | None) else repr(value)
                for key, value in estimator.get_params(deep=False).items()
            }
        ),
        features=list(frame.columns),
        training_summary=json_ready(
            {"customers": len(frame), "as_of": as_of.isoformat() if as_of else None}
        ),
        metrics=json_ready(
            {
                "k": estimator.n_personas_,
                "silhouette": chosen["silhouette"],
                "davies_bouldin": chosen["davies_bouldin"],
                "stability": chosen["stability"],
                "validation": estimator.validation_,
                "misfits": int(misfit.sum()),
                "suggested_personas": suggestions,
            }
        ),
    )
    switches = record_assignments(
        db_session=db_session,
        artifact=artifact,
        model_tag=registered.tag,
        frame=frame,
        taken_at=as_of or utc_now(),
    )
    report(1.0, f"{estimator.n_personas_} personas")
    return BuildFigures(
        model_version=registered.tag,
        customers=len(frame),
        k=estimator.n_personas_,
        silhouette=json_ready(chosen["silhouette"]),
        davies_bouldin=json_ready(chosen["davies_bouldin"]),
        stability=json_ready(chosen["stability"]),
        misfits=int(misfit.sum()),
        suggested_personas=len(suggestions),
        switches=switches,
        seconds=round(time.perf_counter() - started, 3),
        validation=json_ready(estimator.validation_),
    )


def latest_artifact(
    *, db_session: Session, settings: Settings
) -> tuple[TrainedModel, PersonaArtifact]:
    """The newest persona model and its artifact, or :class:`NotFound` before the first build."""
    registered = registry.get_latest(db_session=db_session, kind=PERSONA_KIND)
    artifact = registry.load(model=registered, data_dir=settings.data_dir)
    if not isinstance(artifact, PersonaArtifact):
        raise BadInput(f"{registered.artifact_path} is not a persona model")
    return registered, artifact


def assign_new_customers(
    *,
    db_session: Session,
    settings: Settings,
    as_of: datetime | None = None,
    features: pd.DataFrame | None = None,
) -> int:
    """Assign customers the newest model has not seen, without refitting; returns how many."""
    registered, artifact = latest_artifact(db_session=db_session, settings=settings)
    frame = persona_features(db_session=db_session, as_of=as_of) if features is None else features
    known = set(
        db_session.scalars(
            select(PersonaMapping.customer_id).where(PersonaMapping.model_version == registered.tag)
        )
    )
    new = frame[~frame.index.isin(known)].reindex(columns=artifact.features)
    if new.empty:
        return 0
    record_assignments(
        db_session=db_session,
        artifact=artifact,
        model_tag=registered.tag,
        frame=new,
        taken_at=as_of or utc_now(),
    )
    return len(new)


# Reading ---------------------------------------------------------------------------------------


def get(*, db_session: Session, persona_id: int) -> Persona:
    """One persona, or :class:`NotFound`."""
    persona = db_session.get(Persona, persona_id)
    if persona is None:
        raise NotFound(f"persona {persona_id} does not exist")
    return persona


def get_all(
    *, db_session: Session, limit: int = 50, offset: int = 0, include_retired: bool = False
) -> tuple[list[Persona], int]:
    """Personas (active only unless asked), largest first, one page, and the total."""
    query = select(Persona)
    if not include_retired:
        query = query.where(Persona.active.is_(True))
    total = db_session.scalar(select(func.count()).select_from(query.subquery())) or 0
    personas = db_session.scalars(
        query.order_by(Persona.active.desc(), Persona.id).limit(limit).offset(offset)
    )
    return list(personas), total


def agreement_rates(*, db_session: Session) -> dict[int, tuple[float, int]]:
    """Per persona: the share of CSM feedback that agrees, and how many verdicts there are."""
    rows = db_session.execute(
        select(
            PersonaFeedback.persona_id,
            func.avg(case((PersonaFeedback.agree, 1.0), else_=0.0)),
            func.count(),
        ).group_by(PersonaFeedback.persona_id)
    )
    return {persona_id: (float(rate), int(count)) for persona_id, rate, count in rows}


def current_mapping(*, db_session: Session, customer_id: int) -> PersonaMapping:
    """The customer's newest persona mapping, or :class:`NotFound`."""
    mapping = db_session.scalar(
        select(PersonaMapping)
        .where(PersonaMapping.customer_id == customer_id)
        .order_by(PersonaMapping.assigned_at.desc(), PersonaMapping.id.desc())
        .limit(1)
    )
    if mapping is None:
        raise NotFound(f"customer {customer_id} has no persona yet; run cspersona personas build")
    return mapping


def history(*, db_session: Session, customer_id: int) -> list[PersonaSnapshot]:
    """The customer's persona snapshots, oldest first."""
    return list(
        db_session.scalars(
            select(PersonaSnapshot)
            .where(PersonaSnapshot.customer_id == customer_id)
            .order_by(PersonaSnapshot.taken_at, PersonaSnapshot.id)
        )
    )


def switches(*, db_session: Session, customer_id: int | None = None) -> list[PersonaSwitch]:
    """Switching alerts, newest first; one customer's when ``customer_id`` is given."""
    query = select(PersonaSwitch).order_by(
        PersonaSwitch.detected_at.desc(), PersonaSwitch.id.desc()
    )
    if customer_id is not None:
        query = query.where(PersonaSwitch.customer_id == customer_id)
    return list(db_session.scalars(query))


def add_feedback(
    *,
    db_session: Session,
    customer_id: int,
    user_id: int | None,
    agree: bool,
    comment: str | None = None,
) -> PersonaFeedback:
    """Record a CSM's verdict on the customer's current persona."""
    mapping = current_mapping(db_session=db_session, customer_id=customer_id)
    feedback = PersonaFeedback(
        customer_id=customer_id,
        persona_id=mapping.persona_id,
        user_id=user_id,
        agree=agree,
        comment=comment,
    )
    db_session.add(feedback)
    db_session.flush()
    return feedback


def export_rows(*, db_session: Session) -> list[dict[str, Any]]:
    """Every customer's current persona: customer id, persona id and name, confidence."""
    newest = (
        select(PersonaMapping.customer_id, func.max(PersonaMapping.id).label("id"))
        .group_by(PersonaMapping.customer_id)
        .subquery()
    )
    rows = db_session.execute(
        select(
            PersonaMapping.customer_id,
            Customer.external_id,
            PersonaMapping.persona_id,
            Persona.name,
            PersonaMapping.confidence_score,
            PersonaMapping.misfit,
            PersonaMapping.model_version,
        )
        .join(newest, PersonaMapping.id == newest.c.id)
        .join(Persona, Persona.id == PersonaMapping.persona_id)
        .join(Customer, Customer.id == PersonaMapping.customer_id)
        .order_by(PersonaMapping.customer_id)
    )
    return [
        {
            "customer_id": customer_id,
            "external_id": external_id,
            "persona_id": persona_id,
            "persona_name": name,
            "confidence": round(confidence, 4),
            "misfit": misfit,
            "model_version": model_version,
        }
        for customer_id, external_id, persona_id, name, confidence, misfit, model_version in rows
    ]


def _feature_phrase(feature: str, value: float, z: float, book_mean: float) -> str:
    """``message words mean is higher than most customers' (84.2 against 51.0)``."""
    direction = "higher" if z > 0 else "lower"
    return (
        f"{feature.replace('_', ' ')} is {direction} than most customers' "
        f"({value:.3g} against {book_mean:.3g})"
    )


def explain(
    *,
    db_session: Session,
    settings: Settings,
    customer_id: int,
    features: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Why a customer is their persona: the traits they share with it, in plain words."""
    mapping = current_mapping(db_session=db_session, customer_id=customer_id)
    persona = get(db_session=db_session, persona_id=mapping.persona_id)
    _, artifact = latest_artifact(db_session=db_session, settings=settings)
    frame = persona_features(db_session=db_session) if features is None else features
    if customer_id not in frame.index:
        raise NotFound(f"customer {customer_id} has no features; run the pipeline first")
    row = frame.loc[[customer_id]].reindex(columns=artifact.features)
    z = artifact.standardised(row).iloc[0]
    centroid = pd.Series(persona.centroid[0] if persona.centroid else {}, dtype=float)
    centroid = centroid.reindex(artifact.features)
    shared = (z * centroid).where((np.sign(z) == np.sign(centroid)) & (centroid.abs() >= 0.5))
    reasons = [
        {
            "feature": feature,
            "value": json_ready(float(row.iloc[0][feature])),
            "book_mean": json_ready(float(artifact.book_mean[feature])),
            "customer_z": round(float(z[feature]), 2),
            "persona_z": round(float(centroid[feature]), 2),
            "phrase": _feature_phrase(
                feature, float(row.iloc[0][feature]), float(z[feature]), artifact.book_mean[feature]
            ),
        }
        for feature in shared.dropna().sort_values(ascending=False).index[:5]
    ]
    probabilities = artifact.model.predict_proba(row)[0]
    names = {p.id: p.name for p in db_session.scalars(select(Persona))}
    alternatives = [
        {
            "persona_id": int(artifact.persona_ids[label]),
            "name": names.get(int(artifact.persona_ids[label]), "?"),
            "probability": round(float(probabilities[label]), 3),
        }
        for label in np.argsort(-probabilities)[:3]
    ]
    fit = "fits it well" if not mapping.misfit else "does not fit it well (a misfit)"
    summary = [
        f"Customer {customer_id} is {persona.name} with confidence "
        f"{mapping.confidence_score:.2f}, so it {fit}."
    ]
    if reasons:
        summary.append(
            "Like the persona, its " + "; its ".join(reason["phrase"] for reason in reasons) + "."
        )
    runner_up = next((item for item in alternatives if item["persona_id"] != persona.id), None)
    if runner_up is not None:
        summary.append(
            f"The next closest persona is {runner_up['name']} "
            f"(probability {runner_up['probability']:.2f})."
        )
    return {
        "customer_id": customer_id,
        "persona_id": persona.id,
        "persona_name": persona.name,
        "confidence": round(mapping.confidence_score, 4),
        "misfit": mapping.misfit,
        "reasons": reasons,
        "alternatives": alternatives,
        "explanation": " ".join(summary),
    }


def summary(persona: Persona, rates: dict[int, tuple[float, int]]) -> PersonaSummary:
    """A persona's list entry: size and shares from its profile, agreement from feedback."""
    share = persona.traits.get("share", {})
    rate, count = rates.get(persona.id, (None, 0))
    return PersonaSummary(
        id=persona.id,
        name=persona.name,
        version=persona.version,
        active=persona.active,
        narrative=persona.narrative,
        customers=int(persona.traits.get("customers", 0)),
        customer_share=share.get("customers"),
        arr_share=share.get("arr"),
        agreement_rate=None if rate is None else round(rate, 4),
        feedback_count=count,
    )


def update_personas(*, db_session: Session, settings: Settings) -> tuple[int, str]:
    """The pipeline's step: build on the first run, then assign new customers without refitting.

    Returns the customers processed and a line of detail. A refit (``cspersona personas build``)
    stays a deliberate act, since it can move customers between personas.
    """
    has_model = db_session.scalar(
        select(func.count()).select_from(TrainedModel).where(TrainedModel.kind == PERSONA_KIND)
    )
    if has_model:
        assigned = assign_new_customers(
            db_session=db_session, settings=settings, as_of=settings.as_of
        )
        return assigned, f"assigned {assigned} new customers to the existing personas"
    try:
        result = build_personas(db_session=db_session, settings=settings, as_of=settings.as_of)
    except BadInput as error:
        return 0, f"skipped: {error.message}"
    return result.customers, f"{result.model_version}: {result.k} personas"
