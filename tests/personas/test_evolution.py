from collections.abc import Iterator
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.catalogue.models import load_catalogue
from cspersona.customers.models import Customer
from cspersona.db import migrate
from cspersona.db.engine import make_engine
from cspersona.personas import service
from cspersona.personas.build import build_personas
from cspersona.personas.evolution import (
    HORIZON_DAYS,
    Views,
    no_change,
    update_outlooks,
)
from cspersona.personas.models import PersonaMapping, PersonaOutlook
from cspersona.synth.loader import DatabaseSink
from cspersona.synth.world import World
from tests.conftest import DatabaseFactory, rolled_back_session
from tests.personas.conftest import Built, world_settings

DRIFT_SEED = 9311


def test_no_change_keeps_the_current_persona_at_the_stay_rate() -> None:
    lifetime = pd.DataFrame([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]], index=[5, 6], columns=[11, 12, 13])

    forecast = no_change(lifetime, 0.8)

    assert forecast.loc[5].tolist() == pytest.approx([0.8, 0.1, 0.1])
    assert forecast.loc[6].tolist() == pytest.approx([0.1, 0.1, 0.8])


def test_a_customer_silent_lately_reads_as_their_whole_history() -> None:
    lifetime = pd.DataFrame([[0.9, 0.1], [0.2, 0.8]], index=[1, 2], columns=[7, 8])
    recent = pd.DataFrame([[0.1, 0.9]], index=[1], columns=[7, 8])

    matrix = Views(lifetime, recent).matrix()

    assert matrix.tolist() == [[0.9, 0.1, 0.1, 0.9], [0.2, 0.8, 0.2, 0.8]]


def test_every_customer_gets_a_forecast_learned_from_the_books_past(built: Built) -> None:
    session, settings, _ = built
    undo = session.begin_nested()
    try:
        summary = update_outlooks(db_session=session, settings=settings)
        rows = session.scalars(select(PersonaOutlook)).all()
        mapped = set(session.scalars(select(PersonaMapping.customer_id)))
        customer = next(iter(mapped))
        outlook = service.outlook(db_session=session, customer_id=customer)
    finally:
        undo.rollback()

    totals = (
        pd.DataFrame(
            [(row.customer_id, row.probability) for row in rows], columns=["customer", "p"]
        )
        .groupby("customer")["p"]
        .sum()
    )
    assert set(totals.index) == mapped and summary.customers == len(mapped)
    assert np.allclose(totals, 1.0, atol=0.01)
    assert summary.learned and summary.examples >= 100
    assert all(row.horizon_days == HORIZON_DAYS and row.learned for row in rows)
    # Nobody's habits changed in this world: most customers keep their persona.
    assert summary.likely_to_move < 0.2 * summary.customers
    assert str(summary).endswith("past placements)") and "likely to change persona" in str(summary)
    probabilities = [entry.probability for entry in outlook]
    assert probabilities == sorted(probabilities, reverse=True) and outlook[0].persona_name


@pytest.fixture(scope="module")
def drifting(
    database_factory: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Session, dict[int, pd.Timestamp | None]]]:
    """A world where half the customers change habits once, personas built, forecast made."""
    engine = make_engine(database_factory.create())
    migrate.upgrade(engine)
    world = World(seed=DRIFT_SEED, scale=0.4, catalogue=load_catalogue(), drift_share=0.5)
    drifted_on = {}
    with DatabaseSink(engine) as sink:
        for planned in world.plan():
            bundle = world.build(planned)
            sink.write(bundle)
            truth = bundle.truth["customers"][0]
            drifted_on[truth["external_id"]] = truth["drifted_on"]
    with rolled_back_session(engine) as session:
        settings = world_settings(session, tmp_path_factory.mktemp("data"))
        build_personas(db_session=session, settings=settings)
        update_outlooks(db_session=session, settings=settings)
        ids = dict(session.execute(select(Customer.external_id, Customer.id)).all())
        yield session, {ids[external]: day for external, day in drifted_on.items()}
    engine.dispose()


def test_customers_whose_habits_changed_are_forecast_to_move(
    drifting: tuple[Session, dict[int, pd.Timestamp | None]],
) -> None:
    session, drifted_on = drifting
    end = World(seed=DRIFT_SEED, scale=0.4, catalogue=load_catalogue()).window_end
    current = dict(
        session.execute(select(PersonaMapping.customer_id, PersonaMapping.persona_id)).all()
    )
    staying = {
        row.customer_id: row.probability
        for row in session.scalars(select(PersonaOutlook))
        if row.persona_id == current[row.customer_id]
    }
    lately = end - timedelta(days=2 * HORIZON_DAYS)
    changed = [
        staying[c] for c, day in drifted_on.items() if day and lately <= day and c in staying
    ]
    kept = [staying[c] for c, day in drifted_on.items() if day is None and c in staying]

    assert len(changed) >= 5 and len(kept) >= 20
    assert np.mean(changed) < np.mean(kept) - 0.1
