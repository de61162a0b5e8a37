"""How clean are the texts a CSM reads? Every API text field, on a world the tests never use.

Generates a world at ``--seed`` into files, imports it through ingestion (PII anonymisation
included: the user's path), runs the pipeline, then reads through the API as an admin: persona
names, narratives, quotes, topics, pain points, triggers and success metrics; churn drivers and
intervention reasons; expansion drivers and timing; and persona chat replies and suggestions
(five turns with every persona). A text is clean when it has none of the problems
:mod:`cspersona.nlp.text_checks` looks for (redaction tokens, raw identifiers, topic numbers,
contact details, nested brackets, doubled words, sentences said twice). Prints one JSON line
per kind of text and one in all.

Target (issue 16): 100% clean.

    .venv/bin/python benchmarks/bench_texts.py [--seed 4711] [--scale 0.5]
"""

import argparse
import json
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from cspersona.api.app import create_app
from cspersona.auth import service as auth_service
from cspersona.config import Settings
from cspersona.db.engine import make_engine, make_session_factory, session_scope
from cspersona.nlp.text_checks import text_problems
from user_path import load_world

CSM_TURNS = (
    "Hi, I'm your new CSM. How is the product working for your team?",
    "What would make your renewal an easy decision?",
    "I saw a few tickets last month. Is that sorted now?",
    "Would a short training session help your team?",
    "Anything else you want me to take back to the product team?",
)


def build(folder: Path, seed: int, scale: float) -> tuple[Settings, str]:
    """The user's path into a fresh SQLite database; an admin key to read it with."""
    settings = load_world(folder, seed=seed, scale=scale, secret_key="bench-texts")
    engine = make_engine(settings.sqlalchemy_url)
    with session_scope(make_session_factory(engine)) as db_session:
        key = auth_service.create_first_admin(db_session=db_session, secret_key="bench-texts")
    engine.dispose()
    assert key is not None
    return settings, key


def texts(client: TestClient) -> Iterator[tuple[str, str]]:
    """(kind, text) for every text field a CSM reads through the API."""
    personas = client.get("/api/personas", params={"limit": 100}).json()["items"]
    for summary in personas:
        persona = client.get(f"/api/personas/{summary['id']}").json()
        traits = persona["traits"]
        yield "persona name", persona["name"]
        yield "persona narrative", persona["narrative"] or ""
        for kind, key, field in (
            ("persona quote", "quotes", "text"),
            ("persona topic", "top_topics", "topic"),
            ("persona pain point", "pain_points", "topic"),
            ("persona trigger", "triggers", "emotion"),
            ("persona success metric", "success_metrics", "metric"),
        ):
            for item in traits.get(key, []):
                yield kind, str(item[field])
    for row in client.get("/api/insights/churn-risk", params={"limit": 200}).json()["items"]:
        for driver in row["drivers"]:
            yield "churn driver", driver["phrase"]
        for intervention in row["interventions"]:
            yield "intervention reason", intervention["reason"]
    for row in client.get("/api/insights/expansion", params={"limit": 200}).json()["items"]:
        for driver in row["drivers"]:
            yield "expansion driver", driver["phrase"]
        yield "expansion timing", row["timing"]["reason"]
    for summary in personas:
        conversation = None
        for turn in CSM_TURNS:
            body: dict[str, Any] = {"message": turn}
            if conversation is not None:
                body["conversation_id"] = conversation
            reply = client.post(f"/api/chat/{summary['id']}", json=body).json()
            conversation = reply["conversation_id"]
            yield "chat reply", reply["reply"]
            for suggestion in reply["suggestions"]:
                yield "chat suggestion", suggestion


def main() -> None:
    """Build, read every text, print the clean share per kind and in all."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=4711)
    parser.add_argument("--scale", type=float, default=0.5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings, key = build(Path(folder), args.seed, args.scale)
        app = create_app(settings)
        totals: dict[str, Counter[str]] = defaultdict(Counter)
        examples: dict[str, str] = {}
        with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as client:
            for kind, text in texts(client):
                found = text_problems(text)
                totals[kind]["texts"] += 1
                totals[kind]["clean"] += not found
                for problem in found:
                    totals[kind][problem] += 1
                    examples.setdefault(f"{kind}: {problem}", text[:200])
    for kind, counts in sorted(totals.items()):
        share = counts["clean"] / counts["texts"]
        figures = {"benchmark": "texts", "kind": kind, "clean_share": round(share, 3)}
        print(json.dumps(figures | dict(counts)))
    every = sum(counts["texts"] for counts in totals.values())
    clean = sum(counts["clean"] for counts in totals.values())
    print(
        json.dumps(
            {
                "benchmark": "texts",
                "seed": args.seed,
                "scale": args.scale,
                "texts": every,
                "clean_share": round(clean / every, 3),
                "target": 1.0,
                "examples": examples,
            }
        )
    )


if __name__ == "__main__":
    main()
