"""A small synthetic world in its own SQLite database, and its churn snapshots, built once."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from cspersona.analytics import evaluation
from cspersona.catalogue.models import load_catalogue
from cspersona.db import migrate
from cspersona.db.engine import make_engine
from cspersona.predict.training_set import TrainingSet, build_training_set
from cspersona.synth.loader import DatabaseSink
from cspersona.synth.service import generate
from cspersona.synth.world import World

WORLD_SEED = 31
WORLD_SCALE = 0.3


@dataclass(frozen=True)
class ChurnWorld:
    """The world's database, its truth per customer, and its point-in-time snapshots."""

    engine: Engine
    customers: evaluation.TruthRows
    training: TrainingSet


@pytest.fixture(scope="session")
def churn_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChurnWorld]:
    """~75 customers, messages analysed from their truth labels (a perfect NLP stage)."""
    path: Path = tmp_path_factory.mktemp("churn") / "world.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    truth = evaluation.TruthCollector()
    world = World(seed=WORLD_SEED, scale=WORLD_SCALE, catalogue=load_catalogue())
    with DatabaseSink(engine) as sink:
        generate(world=world, sinks=[sink, truth])
    with Session(engine) as db_session:
        evaluation.add_truth_analysis(db_session=db_session, message_truth=truth.by_id("messages"))
        db_session.commit()
        training = build_training_set(db_session=db_session)
    yield ChurnWorld(engine=engine, customers=truth.by_id("customers"), training=training)
    engine.dispose()
