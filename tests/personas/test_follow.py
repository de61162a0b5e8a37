"""Personas follow customers: every run places everyone again, records switches, refits on drift."""

from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.config import load_settings
from cspersona.nlp.text_checks import text_problems
from cspersona.personas import service
from cspersona.personas.features import persona_features
from cspersona.personas.follow import churned_customers, follow_customers, update_personas
from cspersona.personas.models import Persona, PersonaMapping, PersonaSwitch
from tests.factories import add_customer
from tests.personas.conftest import Built


def _persona_of(session: Session) -> dict[int, int]:
    return {
        row["customer_id"]: row["persona_id"] for row in service.export_rows(db_session=session)
    }


def _moved(session: Session, features: pd.DataFrame, count: int) -> tuple[pd.DataFrame, dict]:
    """``count`` active customers given the features of a customer of another persona."""
    persona_of = _persona_of(session)
    churned = churned_customers(session, None)
    active = [int(c) for c in features.index if int(c) not in churned]
    moved, targets, pool = features.copy(), {}, active[count:]
    for mover in active[:count]:
        other = next(c for c in pool if persona_of[c] != persona_of[mover])
        pool.remove(other)  # each copies someone else: no pile of identical customers
        moved.loc[mover] = features.loc[other]
        targets[mover] = (persona_of[mover], persona_of[other])
    return moved, targets


def test_a_run_on_unchanged_data_places_everyone_again_and_says_nothing_moved(
    built: Built,
) -> None:
    session, settings, _ = built
    features = persona_features(db_session=session)
    active = len(features) - len(churned_customers(session, None))
    undo = session.begin_nested()
    try:
        before = session.scalar(select(PersonaMapping.id).order_by(PersonaMapping.id.desc()))

        placed, detail = follow_customers(db_session=session, settings=settings, features=features)

        assert placed == active
        assert detail.startswith(
            f"0 of {len(features)} customers changed persona (0.0%); "
            f"{active} active customers placed again; mean fit "
        )
        assert "persona centres moved at most 0.00 of a radius" in detail
        assert detail.endswith(
            "drift below the refit thresholds (10% changing persona, 0.35 of a radius, "
            "a fit drop of 0.10)"
        )
        # Fresh mappings, so the current-persona read model sees the run.
        newest = session.scalars(select(PersonaMapping).where(PersonaMapping.id > before)).all()
        assert len(newest) == active
        assert session.scalars(select(PersonaSwitch)).all() == []
    finally:
        undo.rollback()


def test_a_customer_whose_behaviour_changed_switches_with_what_changed_and_a_strategy(
    built: Built,
) -> None:
    session, settings, _ = built
    features = persona_features(db_session=session)
    moved, targets = _moved(session, features, 2)
    undo = session.begin_nested()
    try:
        _, detail = follow_customers(db_session=session, settings=settings, features=moved)

        assert detail.startswith("2 of ")
        switches = session.scalars(select(PersonaSwitch)).all()
        assert {s.customer_id: (s.from_persona_id, s.to_persona_id) for s in switches} == targets
        assert {_persona_of(session)[mover] for mover in targets} == {
            new for _, new in targets.values()
        }
        names = {persona.id: persona.name for persona in session.scalars(select(Persona))}
        for switch in switches:
            phrases = [change["phrase"] for change in switch.changes]
            assert phrases
            strategy = switch.strategy or {}
            old, new = names[switch.from_persona_id], names[switch.to_persona_id]
            assert strategy["summary"].startswith(f"Was {old}, now {new}: ")
            for text in [*phrases, strategy["summary"]]:
                assert text_problems(text) == [], text
    finally:
        undo.rollback()


def test_drift_past_the_threshold_refits_and_keeps_persona_ids_and_names(built: Built) -> None:
    session, settings, _ = built
    first = {persona.id: persona.name for persona in session.scalars(select(Persona))}
    features = persona_features(db_session=session)
    moved, _ = _moved(session, features, 15)
    undo = session.begin_nested()
    try:
        _, detail = follow_customers(db_session=session, settings=settings, features=moved)

        assert detail.startswith("refitted as persona-v2 because ")
        assert "of customers changed persona (threshold 10%)" in detail
        assert "ids and names kept by matching" in detail
        active = select(Persona).where(Persona.active.is_(True))
        assert {persona.id: persona.name for persona in session.scalars(active)} == first
        assert session.scalars(select(PersonaSwitch)).all()
    finally:
        undo.rollback()


def test_a_lower_threshold_refits_on_less_drift(built: Built) -> None:
    session, settings, _ = built
    features = persona_features(db_session=session)
    moved, _ = _moved(session, features, 2)
    eager = settings.model_copy(update={"persona_refit_switch_share": 0.01})
    undo = session.begin_nested()
    try:
        _, detail = follow_customers(db_session=session, settings=eager, features=moved)

        assert detail.startswith("refitted as persona-v2 because ")
    finally:
        undo.rollback()


def test_the_pipeline_step_skips_a_book_too_small_for_personas(
    db_session: Session, tmp_path: Path
) -> None:
    add_customer(db_session, "Acme")

    processed, detail = update_personas(
        db_session=db_session, settings=load_settings(data_dir=tmp_path)
    )

    assert processed == 0
    assert detail == "skipped: personas need at least 10 customers with data; found 1"
