"""Speed of the analytics stage and accuracy of escalation detection: one JSON line per scale.

Each scale generates a synthetic world into a temporary SQLite database, then times, separately:
conversation dynamics for every conversation (``analyse_interactions``), the customer feature
matrix (``customer_features``, all customers, no cut-off and a mid-history ``as_of``) and one
customer's churn signals. Escalations found are scored against the planted ones.

Sentiment comes from the NLP stage when ``cspersona.nlp.service.analyze_pending`` exists (timed
on its own, ``"sentiment": "nlp"``); otherwise from the generator's truth labels
(``"sentiment": "truth-labels"``), which measures the dynamics rules apart from the sentiment
model. Targets: analytics for the default world (scale 1) under 30 s, and seconds per thousand
messages flat as the scale grows (cost no worse than linear). The load average is reported since
the machine may be shared.

    .venv/bin/python benchmarks/bench_analytics.py                  # scale 1
    .venv/bin/python benchmarks/bench_analytics.py --scales 1 10
"""

import argparse
import importlib
import json
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspersona.analytics import evaluation, service
from cspersona.analytics.features import customer_features
from cspersona.analytics.signals import churn_signals
from cspersona.catalogue.models import load_catalogue
from cspersona.config import load_settings
from cspersona.conversations.models import Message
from cspersona.db import migrate
from cspersona.db.engine import make_engine
from cspersona.synth.loader import DatabaseSink
from cspersona.synth.service import generate
from cspersona.synth.world import World

MID_HISTORY = datetime(2025, 3, 1, tzinfo=UTC)


def _timed(action: Any) -> tuple[Any, float]:
    """Run ``action()``; return its result and the seconds it took."""
    started = time.perf_counter()
    result = action()
    return result, round(time.perf_counter() - started, 2)


def _analyse_messages(db_session: Session, truth: evaluation.TruthCollector, url: str) -> str:
    """Give every message a sentiment: the NLP stage when present, else the truth labels."""
    try:
        nlp = importlib.import_module("cspersona.nlp.service")
    except ModuleNotFoundError:
        evaluation.add_truth_analysis(db_session=db_session, message_truth=truth.by_id("messages"))
        return "truth-labels"
    settings = load_settings(database_url=url)
    nlp.analyze_pending(db_session=db_session, settings=settings)
    nlp.assign_topics(db_session=db_session, settings=settings)
    return "nlp"


def measure(scale: float, seed: int) -> dict[str, Any]:
    """Generate one world, analyse it and time each step."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'world.db'}"
        engine = make_engine(url)
        migrate.upgrade(engine)
        truth = evaluation.TruthCollector()
        world = World(seed=seed, scale=scale, catalogue=load_catalogue())
        with DatabaseSink(engine) as sink:
            _summary, generate_seconds = _timed(lambda: generate(world=world, sinks=[sink, truth]))
        with Session(engine) as db_session:
            sentiment, nlp_seconds = _timed(lambda: _analyse_messages(db_session, truth, url))
            db_session.commit()
            analysed, dynamics_seconds = _timed(
                lambda: service.analyse_interactions(db_session=db_session)
            )
            db_session.commit()
            features, features_seconds = _timed(lambda: customer_features(db_session=db_session))
            _snapshot, snapshot_seconds = _timed(
                lambda: customer_features(db_session=db_session, as_of=MID_HISTORY)
            )
            first = int(features.index[0])
            _signals, signals_seconds = _timed(
                lambda: churn_signals(db_session=db_session, customer_id=first)
            )
            messages = db_session.scalar(select(func.count(Message.id))) or 0
            scores = evaluation.escalation_scores(
                db_session=db_session, interaction_truth=truth.by_id("interactions")
            )
        engine.dispose()
    analytics_seconds = dynamics_seconds + features_seconds
    return {
        "benchmark": "analytics",
        "scale": scale,
        "seed": seed,
        "customers": len(features),
        "interactions": analysed,
        "messages": messages,
        "feature_columns": features.shape[1],
        "sentiment": sentiment,
        "generate_seconds": generate_seconds,
        "nlp_seconds": nlp_seconds if sentiment == "nlp" else None,
        "dynamics_seconds": dynamics_seconds,
        "features_seconds": features_seconds,
        "features_as_of_seconds": snapshot_seconds,
        "one_customer_signals_seconds": signals_seconds,
        "analytics_seconds": round(analytics_seconds, 2),
        "analytics_seconds_per_1k_messages": round(1000 * analytics_seconds / max(messages, 1), 3),
        "target_seconds_scale_1": 30,
        "escalations": scores.as_dict(),
        "load_average": round(os.getloadavg()[0], 1),
    }


def main() -> None:
    """Measure each requested scale and print one JSON line per scale."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0])
    parser.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args()
    for scale in arguments.scales:
        print(json.dumps(measure(scale, arguments.seed)), flush=True)


if __name__ == "__main__":
    main()
