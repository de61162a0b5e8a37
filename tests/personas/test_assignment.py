import numpy as np
from sqlalchemy import func, select

from cspersona.personas import service
from cspersona.personas.assignment import assign_new_customers
from cspersona.personas.build import build_personas
from cspersona.personas.features import persona_features
from cspersona.personas.models import Persona, PersonaMapping, PersonaSnapshot, PersonaSwitch
from tests.personas.conftest import Built, PersonaWorld


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


def test_refits_keep_ids_and_names_assign_new_customers_and_raise_switching_alerts(
    built: Built,
) -> None:
    session, settings, _ = built
    first = {persona.id: persona.name for persona in session.scalars(select(Persona))}
    features = persona_features(db_session=session)
    newcomers = [int(customer_id) for customer_id in features.index[:4]]
    undo = session.begin_nested()
    try:
        build_personas(
            db_session=session, settings=settings, features=features.drop(index=newcomers)
        )

        assigned = assign_new_customers(db_session=session, settings=settings, features=features)

        assert assigned == 4
        assert assign_new_customers(db_session=session, settings=settings, features=features) == 0
        persona_of = {
            row["customer_id"]: row["persona_id"] for row in service.export_rows(db_session=session)
        }
        mover = int(features.index[10])
        other = next(int(c) for c in features.index if persona_of[int(c)] != persona_of[mover])
        moved = features.copy()
        moved.loc[mover] = features.loc[other]

        result = build_personas(db_session=session, settings=settings, features=moved)

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
