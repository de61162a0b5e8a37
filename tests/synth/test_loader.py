"""``--into-db``: a world loads into SQLite and PostgreSQL in one transaction, exactly once."""

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select

from cspersona.catalogue.models import load_catalogue
from cspersona.conversations.models import Interaction, Message
from cspersona.customers.models import Contact, Customer, LifecycleEvent, NpsResponse, UsageDaily
from cspersona.db import migrate
from cspersona.db.engine import make_engine
from cspersona.exceptions import Conflict
from cspersona.synth.loader import DatabaseSink
from cspersona.synth.service import generate
from cspersona.synth.world import CustomerBundle, World
from tests.conftest import DatabaseFactory

TABLES = {
    "customers": Customer,
    "contacts": Contact,
    "interactions": Interaction,
    "messages": Message,
    "nps_responses": NpsResponse,
    "usage_daily": UsageDaily,
    "lifecycle_events": LifecycleEvent,
}


@pytest.fixture
def engine(database_factory: DatabaseFactory) -> Iterator[Engine]:
    engine = make_engine(database_factory.create())
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


def tiny_world() -> World:
    return World(seed=3, scale=0.02, catalogue=load_catalogue())


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            entity: connection.scalar(select(func.count()).select_from(model)) or 0
            for entity, model in TABLES.items()
        }


def test_every_row_is_loaded_and_linked(engine: Engine) -> None:
    bundles: list[CustomerBundle] = []

    class Recording(DatabaseSink):
        def write(self, bundle: CustomerBundle) -> None:
            super().write(bundle)
            bundles.append(bundle)

    with Recording(engine) as sink:
        summary = generate(world=tiny_world(), sinks=[sink])

    assert counts(engine) == summary.rows == sink.rows
    message = bundles[-1].data["messages"][-1]
    with engine.connect() as connection:
        loaded = connection.execute(
            select(Message.text, Message.sent_at, Interaction.external_id, Interaction.source)
            .join(Interaction, Message.interaction_id == Interaction.id)
            .where(Message.external_id == message["external_id"])
        ).one()
    assert loaded == (
        message["text"],
        message["sent_at"],
        message["interaction_external_id"],
        "synthetic",
    )


def test_a_second_load_is_refused_and_changes_nothing(engine: Engine) -> None:
    with DatabaseSink(engine) as sink:
        generate(world=tiny_world(), sinks=[sink])
    before = counts(engine)

    with (
        pytest.raises(Conflict, match="already holds a generated world"),
        DatabaseSink(engine) as sink,
    ):
        generate(world=tiny_world(), sinks=[sink])
    assert counts(engine) == before


def test_a_failed_load_rolls_everything_back(engine: Engine) -> None:
    world = tiny_world()

    with pytest.raises(RuntimeError), DatabaseSink(engine) as sink:
        for customer in world.plan()[:2]:
            sink.write(world.build(customer))
        raise RuntimeError("generation failed")
    assert set(counts(engine).values()) == {0}
