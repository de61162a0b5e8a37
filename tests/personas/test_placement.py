"""The switch margin: a customer at the border of two personas keeps theirs until clearly past."""

import numpy as np
import pandas as pd
from sqlalchemy import select

from cspersona.personas import service
from cspersona.personas.artifact import PersonaArtifact, latest_artifact
from cspersona.personas.features import persona_features
from cspersona.personas.follow import follow_customers
from cspersona.personas.models import PersonaSwitch
from cspersona.personas.placement import place
from tests.personas.conftest import Built


def _just_past_the_border(built: Built) -> tuple[pd.DataFrame, int, int, int]:
    """A customer moved from their persona A just far enough towards B that B is likelier.

    Returns the features with the customer moved, the customer, A and B.
    """
    session, settings, _ = built
    _, artifact = latest_artifact(db_session=session, settings=settings)
    features = persona_features(db_session=session)
    persona_of = {
        row["customer_id"]: row["persona_id"] for row in service.export_rows(db_session=session)
    }
    customer = int(features.index[0])
    other = next(int(c) for c in features.index if persona_of[int(c)] != persona_of[customer])
    start = features.loc[customer].fillna(features.loc[other])
    end = features.loc[other].fillna(features.loc[customer])
    label_a = artifact.persona_ids.index(persona_of[customer])
    label_b = artifact.persona_ids.index(persona_of[other])
    for weight in np.linspace(0, 1, 401):
        row = (start + weight * (end - start)).to_frame(customer).T
        probabilities = artifact.model.predict_proba(artifact.aligned(row))[0]
        if probabilities.argmax() == label_b:
            assert probabilities[label_b] - probabilities[label_a] < 0.1
            moved = features.copy()
            moved.loc[customer] = row.iloc[0]
            return moved, customer, persona_of[customer], persona_of[other]
    raise AssertionError("no border between the two personas")


def _border_row(built: Built) -> tuple[PersonaArtifact, pd.DataFrame, int, int, int]:
    """The stored model and, as it reads them, the features of :func:`_just_past_the_border`."""
    session, settings, _ = built
    moved, customer, persona_a, persona_b = _just_past_the_border(built)
    _, artifact = latest_artifact(db_session=session, settings=settings)
    return artifact, artifact.aligned(moved.loc[[customer]]), customer, persona_a, persona_b


def test_a_customer_just_past_the_border_keeps_their_persona_within_the_margin(
    built: Built,
) -> None:
    artifact, row, customer, persona_a, persona_b = _border_row(built)

    held = place(artifact, row, {customer: persona_a}, margin=0.1)
    flipped = place(artifact, row, {customer: persona_a}, margin=0.0)

    assert (held.best[0], held.placed[0]) == (persona_b, persona_a)
    assert held.best_changed[0] and not held.switched[0]
    assert flipped.placed[0] == persona_b and flipped.switched[0]
    assert held.confidence[0] < flipped.confidence[0]


def test_a_customer_hovering_at_the_border_does_not_flip_from_run_to_run(built: Built) -> None:
    session, settings, _ = built
    moved, customer, _, _ = _just_past_the_border(built)
    features = persona_features(db_session=session)
    undo = session.begin_nested()
    try:
        for frame in (moved, features, moved, features):
            _, detail = follow_customers(db_session=session, settings=settings, features=frame)
            assert "changed persona" in detail

        assert session.scalars(select(PersonaSwitch)).all() == []
    finally:
        undo.rollback()


def test_a_customer_the_model_places_in_a_merged_persona_goes_where_it_was_merged(
    built: Built,
) -> None:
    artifact, row, customer, persona_a, persona_b = _border_row(built)

    placed = place(artifact, row, {customer: persona_a}, margin=0.0, merged_into={persona_b: 99})

    assert (placed.best[0], placed.placed[0]) == (99, 99)
    assert placed.switched[0]
