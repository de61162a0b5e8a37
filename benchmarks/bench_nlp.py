"""NLP quality and speed on real text, and on the synthetic world.

Prints one JSON line per figure set: sentiment macro-F1 and accuracy on the airline tweets
(evaluation only; never trained on), emotion macro-F1 on GoEmotions dev under our mapping, topic
NMI on banking77-test (k=77 and auto; static vectors (the default), TF-IDF with LSA and, when
installed, MiniLM embeddings), and speed of the
full default analyser set (messages/s in memory, and the default world analysed into SQLite).

    .venv/bin/python benchmarks/bench_nlp.py [--skip-world] [--skip-embeddings]
"""

import argparse
import csv
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, normalized_mutual_info_score

from cspersona.config import load_settings
from cspersona.nlp.cleaning import clean_text
from cspersona.nlp.emotions import EMOTIONS, LinearEmotions
from cspersona.nlp.engine import NlpEngine
from cspersona.nlp.topics import TopicModel
from cspersona.nlp.training.build import goemotions_examples
from shared_datasets import require_dataset


def load_average() -> float:
    """The one-minute load average, reported with every speed figure."""
    return round(os.getloadavg()[0], 2)


def airline(engine: NlpEngine) -> None:
    """Sentiment on the airline tweets with the full engine (cleaning included)."""
    path = require_dataset("sentiment/airline-tweets.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [(row["text"], row["airline_sentiment"]) for row in csv.DictReader(handle)]
    sentiment = engine.registry.get("sentiment")
    assert sentiment is not None
    predicted = [
        result.label for result in sentiment.analyze([clean_text(text) for text, _ in rows])
    ]
    gold = [label for _, label in rows]
    print(
        json.dumps(
            {
                "figure": "sentiment_airline_tweets",
                "backend": sentiment.signature,
                "macro_f1": round(float(f1_score(gold, predicted, average="macro")), 3),
                "accuracy": round(float(accuracy_score(gold, predicted)), 3),
                "rows": len(rows),
            }
        )
    )


def emotions() -> None:
    """Per-emotion F1 at 0.5 on GoEmotions dev, labels mapped as in GOEMOTIONS_MAPPING."""
    folder = require_dataset("emotion/goemotions-dev.tsv").parent
    examples = goemotions_examples(folder, split="dev")
    scores = LinearEmotions().analyze([example.text for example in examples])
    per_emotion = {}
    for emotion in EMOTIONS:
        gold = [emotion in (example.emotions or ()) for example in examples]
        predicted = [score[emotion] >= 0.5 for score in scores]
        per_emotion[emotion] = round(float(f1_score(gold, predicted)), 3)
    print(
        json.dumps(
            {
                "figure": "emotions_goemotions_dev",
                "macro_f1": round(float(np.mean(list(per_emotion.values()))), 3),
                "f1": per_emotion,
                "rows": len(examples),
            }
        )
    )


def topics(representation: str) -> None:
    """NMI against the 77 banking intents, with k given and chosen."""
    path = require_dataset("topics/banking77-test.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    texts, gold = [row["text"] for row in rows], [row["category"] for row in rows]
    for k in (77, None):
        started = time.perf_counter()
        model = TopicModel(k, representation=representation).fit(texts)  # type: ignore[arg-type]
        print(
            json.dumps(
                {
                    "figure": "topics_banking77_test",
                    "representation": representation,
                    "k": k or "auto",
                    "topics": len(model.topics_),
                    "nmi": round(float(normalized_mutual_info_score(gold, model.labels_)), 3),
                    "seconds": round(time.perf_counter() - started, 1),
                    "load_average": load_average(),
                }
            )
        )


def speed(engine: NlpEngine) -> None:
    """Messages per second of the whole default set on synthetic support messages."""
    from cspersona.catalogue.models import load_catalogue
    from cspersona.synth.world import World

    world = World(seed=11, scale=0.1, catalogue=load_catalogue())
    texts = [
        message["text"]
        for customer in world.plan()
        for message in world.build(customer).data.get("messages", [])
    ][:10_000]
    engine.analyze(texts[:2000])  # start the workers and load every analyser first
    started = time.perf_counter()
    for start in range(0, len(texts), 2000):
        engine.analyze(texts[start : start + 2000])
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "figure": "nlp_speed",
                "messages": len(texts),
                "messages_per_second": round(len(texts) / seconds),
                "versions": engine.versions,
                "workers": engine.workers,
                "load_average": load_average(),
            }
        )
    )


def world_run() -> None:
    """The default world (seed 7, scale 1) in a fresh SQLite database, then ``analyze_pending``."""
    from cspersona.catalogue.models import load_catalogue
    from cspersona.db import migrate
    from cspersona.db.engine import make_engine, make_session_factory, session_scope
    from cspersona.nlp import service
    from cspersona.synth.loader import DatabaseSink
    from cspersona.synth.service import generate
    from cspersona.synth.world import World

    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(data_dir=Path(folder))
        engine = make_engine(settings.sqlalchemy_url)
        migrate.upgrade(engine)
        with DatabaseSink(engine) as sink:
            generate(world=World(seed=7, scale=1.0, catalogue=load_catalogue()), sinks=[sink])
        started = time.perf_counter()
        with session_scope(make_session_factory(engine)) as db_session:
            count = service.analyze_pending(db_session=db_session, settings=settings)
        analysed = time.perf_counter() - started
        started = time.perf_counter()
        with session_scope(make_session_factory(engine)) as db_session:
            assignment = service.assign_topics(db_session=db_session, settings=settings)
        print(
            json.dumps(
                {
                    "figure": "nlp_default_world",
                    "messages": count,
                    "seconds_including_inserts": round(analysed, 1),
                    "messages_per_second": round(count / analysed),
                    "topic_messages": assignment.messages,
                    "topics": assignment.topics,
                    "topic_seconds": round(time.perf_counter() - started, 1),
                    "load_average": load_average(),
                }
            )
        )
        engine.dispose()


def main() -> None:
    """Run every figure set that has its data."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-world", action="store_true", help="skip the default world run")
    parser.add_argument("--skip-embeddings", action="store_true", help="skip MiniLM topics")
    arguments = parser.parse_args()
    with NlpEngine(settings=load_settings()) as engine:
        airline(engine)
        emotions()
        topics("static")
        topics("tfidf")
        if not arguments.skip_embeddings:
            try:
                import sentence_transformers  # noqa: F401
            except ImportError:
                print(
                    json.dumps(
                        {"figure": "topics_banking77_test", "skipped": "no embeddings extra"}
                    )
                )
            else:
                topics("embeddings")
        speed(engine)
    if not arguments.skip_world:
        world_run()


if __name__ == "__main__":
    main()
