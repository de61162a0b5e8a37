"""A small synthetic world, generated once per backend, that persona tests build on."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cspersona.api.app import create_app
from cspersona.auth.models import Role
from cspersona.catalogue.models import load_catalogue
from cspersona.config import Settings, load_settings
from cspersona.customers.models import Customer
from cspersona.db import migrate
from cspersona.db.engine import make_engine
from cspersona.http.deps import get_db
from cspersona.personas.build import build_personas
from cspersona.personas.schemas import BuildFigures
from cspersona.synth import ids
from cspersona.synth.loader import DatabaseSink
from cspersona.synth.world import World
from tests.conftest import DatabaseFactory, add_user_with_key, bearer, rolled_back_session

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


def world_settings(session: Session, data_dir: Path) -> Settings:
    """Settings pointing at the session's database, with models stored under ``data_dir``."""
    url = session.get_bind().engine.url.render_as_string(hide_password=False)
    return load_settings(database_url=url, data_dir=data_dir)


Built = tuple[Session, Settings, BuildFigures]


@pytest.fixture(scope="session")
def built(persona_world: PersonaWorld, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """Personas built once on the world, in a transaction rolled back at the end.

    Tests that write more open a savepoint (``session.begin_nested()``) and roll it back.
    """
    with rolled_back_session(persona_world.engine) as session:
        settings = world_settings(session, tmp_path_factory.mktemp("data"))
        yield session, settings, build_personas(db_session=session, settings=settings)


@dataclass(frozen=True)
class Shaping:
    """The built world inside a savepoint, and API clients of an analyst and a CSM on it."""

    session: Session
    settings: Settings
    analyst: TestClient
    csm: TestClient


@pytest.fixture
def shaping(built: Built) -> Iterator[Shaping]:
    """API clients over the built world; whatever a test writes, commits included, is undone."""
    built_session, settings, _ = built
    connection = built_session.connection()
    undo = connection.begin_nested()
    session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    application = create_app(settings)
    application.dependency_overrides[get_db] = lambda: session
    application.state.job_runner.shutdown()

    def client(role: Role) -> TestClient:
        key = add_user_with_key(session, secret_key=settings.secret_key, role=role)
        return TestClient(application, headers=bearer(key))

    try:
        yield Shaping(session, settings, client(Role.ANALYST), client(Role.CSM))
    finally:
        session.close()
        undo.rollback()
