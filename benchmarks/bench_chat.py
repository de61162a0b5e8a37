"""Persona chat: fidelity of the offline engine's replies and its reply times. One JSON line each.

Generates a synthetic world into a temporary SQLite database, runs the NLP stage and builds
personas with the personas stage when this checkout has it
(``cspersona.personas.build.build_personas``), otherwise groups customers by their true
archetype as a stand-in (and says so in every line). For each persona:
- ``fidelity_holdout``: the engine quotes half of the persona's members, the classifier learns
  from the other half, so it must recognise the persona's voice rather than the sentences;
- ``fidelity_in_sample``: the product's set-up, engine and classifier on all members;
each over ``--replies`` replies per persona in ``--turns``-turn conversations, with accuracy
per turn.
Reply times are measured on the same replies.

    .venv/bin/python benchmarks/bench_chat.py [--scale 0.2] [--seed 7] [--replies 200] [--turns 20]
        [--grouping learned|archetype]
"""

import argparse
import json
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.catalogue.models import load_catalogue
from cspersona.chat.character import MemberMessage, character_from_messages, member_messages
from cspersona.chat.engine import OfflineEngine
from cspersona.chat.fidelity import measure_fidelity, persona_classifier
from cspersona.chat.retrieval import SnippetIndex
from cspersona.config import load_settings
from cspersona.customers.models import Customer
from cspersona.db import migrate
from cspersona.db.engine import make_engine, make_session_factory
from cspersona.nlp import service as nlp
from cspersona.personas.models import Persona, PersonaMapping
from cspersona.synth.loader import DatabaseSink
from cspersona.synth.service import generate
from cspersona.synth.world import CustomerBundle, World


class ArchetypeSink:
    """Remembers each generated customer's true archetype (for the stand-in personas only)."""

    def __init__(self) -> None:
        """Start with no customers."""
        self.archetypes: dict[str, str] = {}

    def write(self, bundle: CustomerBundle) -> None:
        """Note the archetype of the bundle's customer."""
        for row in bundle.data["customers"]:
            self.archetypes[row["external_id"]] = bundle.archetype


def build_personas(session: Session, archetypes: dict[str, str], grouping: str) -> str:
    """Personas from the personas stage if present (and asked for), else one per true archetype."""
    try:
        from cspersona.personas.build import build_personas as stage  # noqa: PLC0415
    except ImportError:
        stage = None
    if stage is not None and grouping == "learned":
        settings = load_settings()
        nlp.analyze_pending(db_session=session, settings=settings)
        nlp.assign_topics(db_session=session, settings=settings)
        session.commit()
        stage(db_session=session, settings=settings)
        session.commit()
        return "learned personas (NLP stage, then personas stage)"
    for archetype in sorted(set(archetypes.values())):
        persona = Persona(version=1, name=archetype)
        session.add(persona)
        session.flush()
        members = session.scalars(
            select(Customer).where(
                Customer.external_id.in_(
                    [key for key, value in archetypes.items() if value == archetype]
                )
            )
        )
        session.add_all(
            PersonaMapping(
                customer_id=customer.id,
                persona_id=persona.id,
                confidence_score=1.0,
                model_version="truth-archetype",
            )
            for customer in members
        )
    session.commit()
    reason = "asked for" if stage is not None else "personas stage not in this checkout"
    return f"STAND-IN: customers grouped by true archetype ({reason})"


def engine_for(
    persona: Persona, messages: list[MemberMessage], others: list[str], seed: int
) -> OfflineEngine:
    """An offline engine quoting ``messages``, typical against ``others``."""
    character = character_from_messages(persona_id=persona.id, name=persona.name, messages=messages)
    index = SnippetIndex(
        [m.text for m in messages], [m.customer_id for m in messages], others=others
    )
    return OfflineEngine(character, index, seed=seed)


def main() -> None:
    """Generate, build personas, measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--replies", type=int, default=200)
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument(
        "--grouping",
        choices=("learned", "archetype"),
        default="learned",
        help="learned personas (when the personas stage exists) or one per true archetype",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'chat.db'}"
        os.environ["CSPERSONA_DATABASE_URL"] = url
        engine = make_engine(url)
        migrate.upgrade(engine)
        world = World(
            seed=args.seed,
            scale=args.scale,
            catalogue=load_catalogue(load_settings().catalogue_path),
        )
        truth = ArchetypeSink()
        started = time.perf_counter()
        with DatabaseSink(engine) as sink:
            generate(world=world, sinks=[sink, truth])
        with make_session_factory(engine)() as session:
            source = build_personas(session, truth.archetypes, args.grouping)
            personas = list(session.scalars(select(Persona).order_by(Persona.id)))
            messages = {
                persona.id: member_messages(db_session=session, persona_id=persona.id)
                for persona in personas
            }
        setup_seconds = time.perf_counter() - started
        common: dict[str, Any] = {
            "personas": source,
            "persona_count": len(personas),
            "scale": args.scale,
            "seed": args.seed,
            "replies_per_persona": args.replies,
            "turns": args.turns,
            "load_average": os.getloadavg()[0],
        }
        for mode in ("holdout", "in_sample"):
            quoted: dict[int, list[MemberMessage]] = {}
            train_texts: list[str] = []
            train_labels: list[int] = []
            for persona in personas:
                members = sorted({m.customer_id for m in messages[persona.id]})
                random.Random(args.seed).shuffle(members)
                shown = set(members[: len(members) // 2]) if mode == "holdout" else set(members)
                learned = set(members) - shown if mode == "holdout" else set(members)
                quoted[persona.id] = [m for m in messages[persona.id] if m.customer_id in shown]
                for message in messages[persona.id]:
                    if message.customer_id in learned:
                        train_texts.append(message.text)
                        train_labels.append(persona.id)
            engines = {
                persona.id: engine_for(
                    persona,
                    quoted[persona.id],
                    [m.text for other, rows in quoted.items() if other != persona.id for m in rows],
                    args.seed,
                )
                for persona in personas
            }
            classifier = persona_classifier(train_texts, train_labels)
            report = measure_fidelity(
                engines, classifier, replies_per_persona=args.replies, turns=args.turns
            )
            names = {persona.id: persona.name for persona in personas}
            print(
                json.dumps(
                    {
                        "figure": f"fidelity_{mode}",
                        **common,
                        "accuracy": report.accuracy,
                        "per_persona": {names[k]: v for k, v in report.per_persona.items()},
                        "per_turn": report.per_turn,
                        "min_turn_accuracy": min(report.per_turn),
                        "replies": report.replies,
                        "reply_ms": report.reply_time_percentiles(),
                    }
                )
            )
        print(json.dumps({"figure": "setup", **common, "seconds": round(setup_seconds, 1)}))


if __name__ == "__main__":
    main()
