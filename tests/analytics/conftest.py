"""A small synthetic world in its own SQLite database, generated and analysed once per session."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from cspersona.analytics import evaluation, service
from cspersona.catalogue.models import load_catalogue
from cspersona.db import migrate
from cspersona.db.engine import make_engine
from cspersona.synth.loader import DatabaseSink
from cspersona.synth.service import generate
from cspersona.synth.world import World

WORLD_SEED = 23
WORLD_SCALE = 0.2


@dataclass(frozen=True)
class AnalysedWorld:
    """The world's database and its truth, keyed by external id."""

    engine: Engine
    customers: evaluation.TruthRows
    interactions: evaluation.TruthRows


@pytest.fixture(scope="session")
def analysed_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AnalysedWorld]:
    """~50 customers with messages analysed from their truth labels and dynamics computed."""
    path: Path = tmp_path_factory.mktemp("analytics") / "world.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    truth = evaluation.TruthCollector()
    world = World(seed=WORLD_SEED, scale=WORLD_SCALE, catalogue=load_catalogue())
    with DatabaseSink(engine) as sink:
        generate(world=world, sinks=[sink, truth])
    with Session(engine) as db_session:
        evaluation.add_truth_analysis(db_session=db_session, message_truth=truth.by_id("messages"))
        service.analyse_interactions(db_session=db_session)
        db_session.commit()
    yield AnalysedWorld(
        engine=engine,
        customers=truth.by_id("customers"),
        interactions=truth.by_id("interactions"),
    )
    engine.dispose()
