"""Building personas: fit, match to the old ones, profile, store, register, then assign everyone."""

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspersona.config import Settings
from cspersona.conversations.models import AuthorRole, Interaction, Message
from cspersona.customers.models import Customer
from cspersona.db.documents import json_ready
from cspersona.db.types import utc_now
from cspersona.exceptions import BadInput
from cspersona.llm.factory import client_from_settings
from cspersona.personas import edits, narratives, profiles
from cspersona.personas.artifact import PERSONA_KIND, PersonaArtifact, latest_artifact
from cspersona.personas.assignment import latest_assignments, write_placement
from cspersona.personas.citations import Citer, cite_profile
from cspersona.personas.clustering import PersonaModel
from cspersona.personas.features import persona_features
from cspersona.personas.fidelity import BOOK, persona_fidelity
from cspersona.personas.matching import match_centroids
from cspersona.personas.misfits import dense_misfit_groups
from cspersona.personas.models import Persona
from cspersona.personas.overlays import OverlaySet, overlays_for
from cspersona.personas.placement import place
from cspersona.personas.profile_schema import (
    BookShare,
    CommunicationStyle,
    IndustryOverlayShare,
    PersonaProfile,
    Quote,
    RiskFactors,
)
from cspersona.personas.quotes import quote, spoken
from cspersona.personas.schemas import BuildFigures
from cspersona.personas.voc import load_voice
from cspersona.personas.voice import reduced_voice
from cspersona.pii.anonymizer import PiiRedactor
from cspersona.registry import service as registry
from cspersona.registry.models import TrainedModel

MIN_CUSTOMERS = 10
QUOTES_PER_PERSONA = 3
QUOTE_CHARACTERS = (60, 320)
Progress = Callable[[float, str | None], None]


def _no_progress(fraction: float, message: str | None = None) -> None:
    """Progress reporting for callers that do not watch."""


def _customer_facts(db_session: Session, ids: list[int]) -> pd.DataFrame:
    """Industry and ARR of the given customers, for shares and overlays."""
    rows = db_session.execute(
        select(Customer.id, Customer.industry, Customer.arr).where(Customer.id.in_(ids))
    ).all()
    facts = pd.DataFrame(rows, columns=["customer_id", "industry", "arr"]).set_index("customer_id")
    return facts.reindex(ids)


def _match_to_existing(
    db_session: Session, customer_ids: list[int], reduced: np.ndarray, labels: np.ndarray
) -> dict[int, Persona]:
    """Cluster label -> the active persona it continues (Hungarian matching on centroids).

    Each old persona's centroid is the mean, in the new model's space, of the customers it held
    last time, so old and new centroids are comparable although the reduction was refitted.
    """
    previous = latest_assignments(db_session)
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


def _quotes(db_session: Session, customer_ids: list[int], redactor: PiiRedactor) -> list[Quote]:
    """One anonymised message body from each of the persona's most typical customers."""
    shortest, longest = QUOTE_CHARACTERS
    quotes: list[Quote] = []
    for customer_id in customer_ids:
        text = db_session.scalar(
            select(Message.body)
            .join(Interaction, Interaction.id == Message.interaction_id)
            .where(
                Interaction.customer_id == customer_id,
                Message.author_role == AuthorRole.CUSTOMER,
                func.length(Message.body).between(shortest, longest),
            )
            .order_by(Message.sent_at.desc())
            .limit(1)
        )
        if len(spoken(text or "")) >= shortest:
            quotes.append(Quote(text=quote(text or "", redactor, longest)))
        if len(quotes) == QUOTES_PER_PERSONA:
            break
    return quotes


def _book_share(facts: pd.DataFrame, members: np.ndarray) -> BookShare:
    """The members' share of the book's customers and ARR, and their ARR."""
    arr = facts["arr"].fillna(0.0).to_numpy()
    return BookShare(
        customers=round(float(members.mean()), 4),
        arr=round(float(arr[members].sum() / arr.sum()), 4) if arr.sum() > 0 else 0.0,
        arr_total=round(float(arr[members].sum()), 2),
    )


def _profile(
    frame: pd.DataFrame,
    facts: pd.DataFrame,
    members: np.ndarray,
    typical_ids: list[int],
    taken_names: set[str],
    db_session: Session,
    redactor: PiiRedactor,
    overlay_set: OverlaySet,
) -> PersonaProfile:
    """A persona profile: data-derived traits, shares, industries, quotes and narrative."""
    profile = profiles.build_profile(frame, members, taken_names)
    industries = facts.loc[members, "industry"].fillna("Unknown").value_counts(normalize=True)
    profile.share = _book_share(facts, members)
    profile.industries = {str(key): round(float(value), 3) for key, value in industries.items()}
    profile.industry_overlays = [
        IndustryOverlayShare.model_validate(overlay)
        for overlay in overlay_set.shares(profile.industries)
    ]
    profile.quotes = _quotes(db_session, typical_ids, redactor)
    profile.narrative = profiles.narrative(profile)
    return profile


def _by_typicality(
    customer_ids: list[int],
    reduced: np.ndarray,
    labels: np.ndarray,
    centroid: np.ndarray,
    label: int,
) -> list[int]:
    """The persona's customers, nearest its centroid first."""
    rows = np.flatnonzero(labels == label)
    distance = ((reduced[rows] - centroid) ** 2).sum(axis=1)
    return [customer_ids[row] for row in rows[np.argsort(distance, kind="stable")]]


def _store_persona(
    db_session: Session, persona: Persona | None, profile: PersonaProfile, version: int
) -> Persona:
    """Create a persona or update the one a cluster continues (its id and name stay)."""
    if persona is None:
        persona = Persona(name=profile.name)
        db_session.add(persona)
    else:
        profile.name = persona.name
        profile.narrative = profiles.narrative(profile)
    persona.version = version
    persona.active = True
    persona.traits = json_ready(profile.document())
    persona.communication_style = json_ready(
        CommunicationStyle(
            formality=profile.dimensions["formality"],
            technical_level=profile.dimensions["technical_level"],
        ).document()
    )
    persona.risk_factors = json_ready(
        RiskFactors(triggers=profile.triggers, pain_points=profile.pain_points).document()
    )
    persona.narrative = profile.narrative
    return persona


def _write_narratives_with_llm(
    db_session: Session, settings: Settings, personas: list[Persona]
) -> None:
    """Replace the template narratives with the configured LLM's, where it answers."""
    client = client_from_settings(settings, db_session=db_session)
    if client is None:
        return
    for persona in personas:
        written = narratives.written_narrative(persona.profile, client=client)
        if written is not None:
            profile = persona.profile
            profile.narrative_by = client.provider.model
            persona.narrative = written
            persona.traits = profile.document()


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
        draft.narrative = profiles.narrative(draft)
        customer_ids = [int(customer_id) for customer_id in frame.index[group]]
        suggestions.append(draft.document() | {"customer_ids": customer_ids})
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
    frame, voice = reduced_voice(features.dropna(axis=1, how="all"))
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
    # Placeholders ([name]) rather than pseudonyms: a reader sees at once the quote is redacted.
    redactor = PiiRedactor.from_settings(settings, operator="replace")
    overlay_set = overlays_for(settings)
    taken_names = {persona.name for persona in continued.values()}
    version = (
        db_session.scalar(
            select(func.max(TrainedModel.version)).where(TrainedModel.kind == PERSONA_KIND)
        )
        or 0
    ) + 1
    standardised = (frame - frame.mean()) / frame.std(ddof=0).replace(0.0, np.nan)
    report(0.65, "checking personas against what customers said")
    said = load_voice(db_session=db_session, as_of=as_of)
    fidelity = persona_fidelity(said, pd.Series(labels, index=customer_ids))
    persona_rows: list[Persona] = []
    for label in range(estimator.n_personas_):
        members = labels == label
        ordered = _by_typicality(
            customer_ids, reduced, labels, estimator.cluster_centers_[label], label
        )
        typical = ordered[: QUOTES_PER_PERSONA * 4]
        profile = _profile(
            frame, facts, members, typical, taken_names, db_session, redactor, overlay_set
        )
        profile.fidelity = fidelity[label]
        cite_profile(profile, Citer(said.messages, ordered, redactor))
        persona = _store_persona(db_session, continued.get(label), profile, version)
        persona.centroid = [json_ready(standardised[members].mean().to_dict())]
        taken_names.add(persona.name)
        persona_rows.append(persona)
    for persona in db_session.scalars(select(Persona).where(Persona.active.is_(True))):
        if persona not in persona_rows:
            persona.active = False
    _write_narratives_with_llm(db_session, settings, persona_rows)
    edits.keep_overrides(db_session, persona_rows)
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
        voice=voice,
    )
    placement = place(
        artifact, frame, latest_assignments(db_session), settings.persona_switch_margin
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
                "fidelity": fidelity[BOOK].model_dump(),
                # The fit later runs are compared with (personas.drift).
                "mean_confidence": float(placement.confidence.mean()),
            }
        ),
    )
    switches = write_placement(
        db_session=db_session,
        artifact=artifact,
        model_tag=registered.tag,
        frame=frame,
        placement=placement,
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


def store_members_persona(
    *, db_session: Session, settings: Settings, customer_ids: list[int], persona: Persona | None
) -> Persona:
    """Profile ``customer_ids`` against the whole book, as a build does, and store the profile.

    ``persona`` is the persona they now form (its name and id stay) or None for a new one, which
    joins the newest model version. Used when analysts merge, promote or create personas.
    """
    registered, artifact = latest_artifact(db_session=db_session, settings=settings)
    frame = artifact.aligned(persona_features(db_session=db_session, as_of=settings.as_of))
    missing = sorted(set(customer_ids) - set(frame.index.astype(int)))
    if missing:
        raise BadInput(f"customers {missing} have no persona features yet")
    members = np.asarray(frame.index.isin(customer_ids))
    standardised = (frame - artifact.book_mean) / artifact.book_std.replace(0.0, np.nan)
    centre = standardised[members].mean()
    distance = ((standardised[members] - centre) ** 2).sum(axis=1).sort_values()
    typical = [int(customer_id) for customer_id in distance.index[: QUOTES_PER_PERSONA * 4]]
    version = persona.version if persona is not None else registered.version
    taken_names = set(
        db_session.scalars(
            select(Persona.name).where(
                Persona.version == version, Persona.id != (persona.id if persona else None)
            )
        )
    )
    facts = _customer_facts(db_session, [int(customer_id) for customer_id in frame.index])
    redactor = PiiRedactor.from_settings(settings, operator="replace")
    profile = _profile(
        frame, facts, members, typical, taken_names, db_session, redactor, overlays_for(settings)
    )
    stored = _store_persona(db_session, persona, profile, version)
    stored.centroid = [json_ready(centre.to_dict())]
    db_session.flush()
    edits.keep_overrides(db_session, [stored])
    return stored
