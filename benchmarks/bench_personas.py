"""Personas against the synthetic world's true archetypes, through the user's path, over seeds.

For each ``--seeds`` world: generate it into a dataset folder, import it through ingestion (PII
anonymisation included), run the pipeline stages before personas (NLP, topics, conversation
dynamics), then the pipeline's personas stage, which builds with k chosen automatically
(``user_path.load_world``). Prints one JSON line per seed: the best one-to-one match of personas
to archetypes (accuracy), the adjusted Rand index, the k chosen, its silhouette and stability,
the confusion of archetypes and personas, the personas stage's seconds, the machine's load
average (timings under load are pessimistic), and the world's raw-feature difficulty from its
files alone (``world_difficulty``: best single crude feature, naive k-means ARI). Then one
summary line with the minimum, median and maximum of each figure: never the best seed alone.

Targets (issue 19): on any 5 unseen seeds, minimum accuracy >= 0.95 and minimum ARI >= 0.85 at
scale 1, the personas stage well under 20 s.

``--cache DIR`` keeps each seed's world and its database after the stages before personas in
``DIR/seed-<seed>-scale-<scale>/``; later runs rebuild personas only, on a copy, so variants of
the personas stage are judged in seconds rather than the minutes ingestion and NLP take.

    .venv/bin/python benchmarks/bench_personas.py [--scale 1] [--seeds 4242 5353] [--cache DIR]
"""

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
from sklearn.metrics import adjusted_rand_score
from sqlalchemy import select

from cspersona.config import load_settings
from cspersona.customers.models import Customer
from cspersona.db.engine import make_engine, make_session_factory, session_scope
from cspersona.personas.artifact import PERSONA_KIND
from cspersona.personas.matching import matched_accuracy
from cspersona.personas.models import PersonaMapping
from cspersona.pipeline.stages import STAGES, run_pipeline
from cspersona.registry import service as registry
from user_path import WORLD_FOLDER, load_world
from world_difficulty import difficulty, truth_archetypes

BENCH_SEEDS = [4242, 5353, 31337, 777, 20261125]
SECRET_KEY = "bench-personas"
PERSONAS = [stage for stage in STAGES if stage[0] == "personas"]
BEFORE_PERSONAS = STAGES[: STAGES.index(PERSONAS[0])]
PREPARED = "prepared.json"
SUMMARISED = ("accuracy", "ari", "k_chosen", "personas_stage_seconds")
DIFFICULTY = ("best_single_feature_accuracy", "naive_kmeans_ari")


def prepared_world(folder: Path, seed: int, scale: float) -> dict[str, float]:
    """The world and its database up to personas in ``folder``, made once; preparation figures."""
    marker = folder / PREPARED
    if marker.exists():
        return dict(json.loads(marker.read_text()))
    started = time.perf_counter()
    load_world(folder, seed=seed, scale=scale, secret_key=SECRET_KEY, stages=BEFORE_PERSONAS)
    figures = {"preparation_seconds": round(time.perf_counter() - started, 1)}
    marker.write_text(json.dumps(figures))
    return figures


def personas_stage(prepared: Path, work: Path) -> tuple[list[tuple[str, int]], dict[str, Any]]:
    """Run the personas stage on a copy of the prepared database.

    Returns each customer's persona (external id, persona id) and the figures of the build:
    the registered model's k, silhouette, stability and misfits, and the stage's seconds.
    """
    shutil.copytree(prepared / "data", work / "data")
    settings = load_settings(data_dir=work / "data", secret_key=SECRET_KEY)
    engine = make_engine(settings.sqlalchemy_url)
    with session_scope(make_session_factory(engine)) as db_session:
        started = time.perf_counter()
        run_pipeline(db_session=db_session, settings=settings, stages=PERSONAS)
        seconds = time.perf_counter() - started
        rows = db_session.execute(
            select(Customer.external_id, PersonaMapping.persona_id).join(
                PersonaMapping, PersonaMapping.customer_id == Customer.id
            )
        ).all()
        metrics = registry.get_latest(db_session=db_session, kind=PERSONA_KIND).metrics
    engine.dispose()
    figures = {key: metrics.get(key) for key in ("k", "silhouette", "stability", "misfits")}
    return [(str(external), int(persona)) for external, persona in rows], figures | {
        "seconds": seconds
    }


def bench(seed: int, scale: float, prepared: Path) -> dict[str, Any]:
    """One world: prepare (or reuse), run the personas stage, score it against the truth."""
    preparation = prepared_world(prepared, seed, scale)
    with tempfile.TemporaryDirectory(prefix="bench-personas-run-") as folder:
        rows, figures = personas_stage(prepared, Path(folder))
    truth = truth_archetypes(prepared / WORLD_FOLDER)
    archetypes = [truth[external_id] for external_id, _ in rows]
    personas = [persona_id for _, persona_id in rows]
    confusion = pd.crosstab(pd.Series(archetypes, name="archetype"), pd.Series(personas))
    return {
        "benchmark": "personas",
        "seed": seed,
        "scale": scale,
        "customers": len(rows),
        "accuracy": round(matched_accuracy(archetypes, personas), 4),
        "ari": round(adjusted_rand_score(archetypes, personas), 4),
        "k_chosen": figures["k"],
        "silhouette": figures["silhouette"],
        "stability": figures["stability"],
        "misfits": figures["misfits"],
        "confusion": {
            archetype: [int(count) for count in counts]
            for archetype, counts in confusion.iterrows()
        },
        "personas_stage_seconds": round(figures["seconds"], 2),
        "load_average_1m": round(os.getloadavg()[0], 2),
        **preparation,
        **difficulty(prepared / WORLD_FOLDER),
    }


def summary(lines: list[dict[str, Any]]) -> dict[str, object]:
    """Minimum, median and maximum of each figure over the seeds."""
    figures: dict[str, object] = {"benchmark": "personas", "summary": True, "seeds": len(lines)}
    for key in SUMMARISED + DIFFICULTY:
        values = [float(line[key]) for line in lines if line.get(key) is not None]
        figures[key] = {
            "min": round(min(values), 4),
            "median": round(statistics.median(values), 4),
            "max": round(max(values), 4),
        }
    return figures


def main() -> None:
    """Parse the options, print one line per seed and the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seeds", type=int, nargs="+", default=BENCH_SEEDS)
    parser.add_argument("--cache", type=Path, help="keep prepared worlds here and reuse them")
    options = parser.parse_args()
    warnings.filterwarnings("ignore", category=UserWarning)
    lines = []
    for seed in options.seeds:
        if options.cache is None:
            with tempfile.TemporaryDirectory(prefix="bench-personas-") as folder:
                lines.append(bench(seed, options.scale, Path(folder)))
        else:
            prepared = options.cache / f"seed-{seed}-scale-{options.scale:g}"
            prepared.mkdir(parents=True, exist_ok=True)
            lines.append(bench(seed, options.scale, prepared))
        print(json.dumps(lines[-1]), flush=True)
    print(json.dumps(summary(lines)), flush=True)


if __name__ == "__main__":
    main()
