"""Personas against the synthetic world's true archetypes: one JSON line per world.

Generates a world with a seed no test uses into a fresh SQLite database, runs the stages before
personas (the NLP stage: analysis and topics; conversation dynamics), builds personas with k chosen
automatically, and prints the best one-to-one match of personas to archetypes (accuracy), the
adjusted Rand index, the k chosen, its silhouette and stability, and the build seconds (features,
fit, profiles and storage). Targets: accuracy >= 0.95, ARI >= 0.85, build < 20 s on the default
world. The machine's load average is printed too: timings under load are pessimistic.

    .venv/bin/python benchmarks/bench_personas.py [--scale 1] [--seeds 20261125]
"""

import argparse
import json
import os
import tempfile
import time
import warnings
from pathlib import Path

from sklearn.metrics import adjusted_rand_score
from sqlalchemy import select

from cspersona.analytics.service import analyse_interactions
from cspersona.catalogue.models import load_catalogue
from cspersona.config import load_settings
from cspersona.customers.models import Customer
from cspersona.db import migrate
from cspersona.db.engine import make_engine, make_session_factory, session_scope
from cspersona.nlp import service as nlp
from cspersona.personas.build import build_personas
from cspersona.personas.matching import matched_accuracy
from cspersona.personas.models import PersonaMapping
from cspersona.synth import ids
from cspersona.synth.loader import DatabaseSink
from cspersona.synth.world import World

BENCH_SEED = 20261125


def bench(seed: int, scale: float, folder: Path) -> dict[str, object]:
    """Generate, prepare, build and score one world."""
    settings = load_settings(database_url=f"sqlite:///{folder / 'bench.db'}", data_dir=folder)
    engine = make_engine(settings.sqlalchemy_url)
    migrate.upgrade(engine)
    world = World(seed=seed, scale=scale, catalogue=load_catalogue())
    planned = world.plan()
    with DatabaseSink(engine) as sink:
        for customer in planned:
            sink.write(world.build(customer))
    truth = {ids.customer_id(customer.index): customer.archetype.key for customer in planned}
    factory = make_session_factory(engine)
    with session_scope(factory) as db_session:
        started = time.perf_counter()
        nlp.analyze_pending(db_session=db_session, settings=settings)
        nlp.assign_topics(db_session=db_session, settings=settings)
        analyse_interactions(db_session=db_session)
        preparation = time.perf_counter() - started
    with session_scope(factory) as db_session:
        started = time.perf_counter()
        result = build_personas(db_session=db_session, settings=settings)
        seconds = time.perf_counter() - started
        rows = db_session.execute(
            select(Customer.external_id, PersonaMapping.persona_id).join(
                PersonaMapping, PersonaMapping.customer_id == Customer.id
            )
        ).all()
    engine.dispose()
    archetypes = [truth[external_id] for external_id, _ in rows]
    personas = [persona_id for _, persona_id in rows]
    return {
        "benchmark": "personas",
        "seed": seed,
        "scale": scale,
        "customers": result.customers,
        "nlp_and_dynamics_seconds": round(preparation, 2),
        "k_chosen": result.k,
        "accuracy": round(matched_accuracy(archetypes, personas), 4),
        "ari": round(adjusted_rand_score(archetypes, personas), 4),
        "silhouette": result.silhouette,
        "stability": result.stability,
        "misfits": result.misfits,
        "build_seconds": round(seconds, 2),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    """Parse the options and print one line per seed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seeds", type=int, nargs="+", default=[BENCH_SEED])
    options = parser.parse_args()
    warnings.filterwarnings("ignore", category=UserWarning)
    for seed in options.seeds:
        with tempfile.TemporaryDirectory(prefix="bench-personas-") as folder:
            print(json.dumps(bench(seed, options.scale, Path(folder))), flush=True)


if __name__ == "__main__":
    main()
