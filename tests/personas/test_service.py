import re
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspersona.config import load_settings
from cspersona.exceptions import BadInput, NotFound
from cspersona.personas import service
from cspersona.personas.features import persona_features
from cspersona.personas.matching import matched_accuracy
from cspersona.personas.models import Persona, PersonaMapping, PersonaSnapshot, PersonaSwitch
from cspersona.registry import service as registry
from tests.factories import add_customer
from tests.personas.conftest import Built, PersonaWorld


def test_personas_match_the_true_archetypes_with_k_chosen_automatically(
    persona_world: PersonaWorld, built: Built
) -> None:
    session, _, result = built
    rows = session.execute(select(PersonaMapping.customer_id, PersonaMapping.persona_id)).all()
    truth = [persona_world.archetypes[customer_id] for customer_id, _ in rows]
    found = [persona_id for _, persona_id in rows]

    # The product bar is 0.95 and 0.85 (benchmarks/bench_personas.py measures it on the default
    # world). Without the NLP stage's sentiment and topics, cost-conscious customers and business
    # users overlap: this world measured 0.92 and 0.82, so the test holds the floor below that.
    assert result.k == 5
    assert matched_accuracy(truth, found) >= 0.9
    assert adjusted_rand_score(truth, found) >= 0.8


def test_every_customer_gets_a_persona_a_confidence_and_a_map_position(
    persona_world: PersonaWorld, built: Built
) -> None:
    session, _, result = built
    mappings = session.scalars(select(PersonaMapping)).all()

    assert len(mappings) == len(persona_world.archetypes) == result.customers
    assert all(0.0 <= mapping.confidence_score <= 1.0 for mapping in mappings)
    assert np.median([mapping.confidence_score for mapping in mappings]) > 0.8
    assert all(mapping.map_x is not None and mapping.map_y is not None for mapping in mappings)
    assert sum(mapping.misfit for mapping in mappings) == result.misfits
    assert session.scalar(select(func.count()).select_from(PersonaSnapshot)) == len(mappings)


def test_every_validation_figure_is_registered_with_the_model_version(
    built: Built,
) -> None:
    session, _, result = built
    model = registry.get_latest(db_session=session, kind="persona")

    assert model.tag == result.model_version
    assert [row["k"] for row in model.metrics["validation"]] == list(range(2, 11))
    assert {"silhouette", "silhouette_gap", "davies_bouldin", "stability"} <= set(
        model.metrics["validation"][0]
    )
    assert model.metrics["k"] == 5
    assert "suggested_personas" in model.metrics


def test_profiles_are_derived_from_the_data_with_their_evidence(
    built: Built,
) -> None:
    session, _, _ = built
    personas = session.scalars(select(Persona)).all()
    names = [persona.name for persona in personas]

    assert len(set(names)) == len(names) == 5
    assert sum(persona.traits["share"]["customers"] for persona in personas) == pytest.approx(1)
    assert sum(persona.traits["share"]["arr"] for persona in personas) == pytest.approx(1, abs=0.01)
    for persona in personas:
        profile = persona.traits
        adjective, first_name = persona.name.rsplit(" ", 1)
        assert adjective == profile["naming"]["adjective"]
        for key in ("formality", "technical_level", "decision_making", "risk_tolerance"):
            assert profile["dimensions"][key]["evidence"], key
        assert re.fullmatch(r"[EI][SN][TF][JP]", profile["mbti"]["type"])
        assert all(0 <= axis["confidence"] <= 1 for axis in profile["mbti"]["axes"])
        assert profile["distinguishing"]
        assert persona.narrative and persona.name in persona.narrative
        for quote in profile["quotes"]:
            assert not re.search(r"[\w.]+@[\w.]+", quote["text"])
    assert any(persona.name.startswith("Technical") for persona in personas)


def test_explain_says_in_plain_words_why_a_customer_is_their_persona(
    built: Built,
) -> None:
    session, settings, _ = built
    mapping = session.scalars(select(PersonaMapping).order_by(PersonaMapping.id)).first()
    assert mapping is not None

    explanation = service.explain(
        db_session=session, settings=settings, customer_id=mapping.customer_id
    )

    persona = session.get(Persona, mapping.persona_id)
    assert persona is not None
    assert explanation["explanation"].startswith(
        f"Customer {mapping.customer_id} is {persona.name}"
    )
    assert explanation["reasons"]
    assert explanation["alternatives"][0]["persona_id"] == persona.id


def test_export_lists_every_customer_with_persona_and_confidence(
    built: Built,
) -> None:
    session, _, result = built

    rows = service.export_rows(db_session=session)

    assert len(rows) == result.customers
    assert set(rows[0]) >= {"customer_id", "persona_id", "persona_name", "confidence"}


def test_refits_keep_ids_and_names_assign_new_customers_and_raise_switching_alerts(
    built: Built,
) -> None:
    session, settings, _ = built
    first = {persona.id: persona.name for persona in session.scalars(select(Persona))}
    features = persona_features(db_session=session)
    newcomers = [int(customer_id) for customer_id in features.index[:4]]
    undo = session.begin_nested()
    try:
        service.build_personas(
            db_session=session, settings=settings, features=features.drop(index=newcomers)
        )

        assigned = service.assign_new_customers(
            db_session=session, settings=settings, features=features
        )

        assert assigned == 4
        assert (
            service.assign_new_customers(db_session=session, settings=settings, features=features)
            == 0
        )
        persona_of = {
            row["customer_id"]: row["persona_id"] for row in service.export_rows(db_session=session)
        }
        mover = int(features.index[10])
        other = next(int(c) for c in features.index if persona_of[int(c)] != persona_of[mover])
        moved = features.copy()
        moved.loc[mover] = features.loc[other]

        result = service.build_personas(db_session=session, settings=settings, features=moved)

        active = select(Persona).where(Persona.active.is_(True))
        assert {persona.id: persona.name for persona in session.scalars(active)} == first
        assert result.model_version == "persona-v3"
        switch = session.scalars(
            select(PersonaSwitch).where(PersonaSwitch.customer_id == mover)
        ).one()
        assert (switch.from_persona_id, switch.to_persona_id) == (
            persona_of[mover],
            persona_of[other],
        )
        assert len(switch.changes) == 5
        assert len(service.history(db_session=session, customer_id=mover)) == 3
    finally:
        undo.rollback()


def test_too_few_customers_is_bad_input(
    built: Built,
) -> None:
    session, settings, _ = built
    features = persona_features(db_session=session).iloc[:5]

    with pytest.raises(BadInput, match="at least 10 customers"):
        service.build_personas(db_session=session, settings=settings, features=features)


def test_a_customer_without_a_persona_is_not_found(
    built: Built,
) -> None:
    with pytest.raises(NotFound, match="no persona yet"):
        service.current_mapping(db_session=built[0], customer_id=10**6)


def test_the_pipeline_step_assigns_only_new_customers_once_personas_exist(built: Built) -> None:
    session, settings, _ = built

    processed, detail = service.update_personas(db_session=session, settings=settings)

    assert (processed, detail) == (0, "assigned 0 new customers to the existing personas")


def test_the_pipeline_step_skips_a_book_too_small_for_personas(
    db_session: Session, tmp_path: Path
) -> None:
    add_customer(db_session, "Acme")

    processed, detail = service.update_personas(
        db_session=db_session, settings=load_settings(data_dir=tmp_path)
    )

    assert processed == 0
    assert detail == "skipped: personas need at least 10 customers with data; found 1"
