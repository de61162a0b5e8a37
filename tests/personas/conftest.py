"""A small synthetic world, generated once per backend, that persona tests build on."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cspersona.catalogue.models import load_catalogue
from cspersona.customers.models import Customer
from cspersona.db import migrate
from cspersona.db.engine import make_engine
from cspersona.synth import ids
from cspersona.synth.loader import DatabaseSink
from cspersona.synth.world import World
from tests.conftest import DatabaseFactory

# A seed no other test uses; scale 0.4 gives 100 customers, 20 per archetype.
WORLD_SEED = 9107
WORLD_SCALE = 0.4


@dataclass(frozen=True)
class PersonaWorld:
    """The world's engine and each customer's true archetype by database id."""

    engine: Engine
    archetypes: dict[int, str]


@pytest.fixture(scope="session")
def persona_world(database_factory: DatabaseFactory) -> Iterator[PersonaWorld]:
    """A generated world in a database of its own (tests roll their writes back)."""
    engine = make_engine(database_factory.create())
    migrate.upgrade(engine)
    world = World(seed=WORLD_SEED, scale=WORLD_SCALE, catalogue=load_catalogue())
    planned = world.plan()
    with DatabaseSink(engine) as sink:
        for customer in planned:
            sink.write(world.build(customer))
    truth = {ids.customer_id(customer.index): customer.archetype.key for customer in planned}
    with Session(engine) as session:
        rows = session.execute(select(Customer.id, Customer.external_id)).all()
    yield PersonaWorld(engine, {customer_id: truth[external] for customer_id, external in rows})
    engine.dispose()
