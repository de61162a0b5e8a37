"""Would a CSM believe the simulated customer? Scripted conversations, read reply by reply.

For each world seed: a world is generated, imported and analysed the way a user does it
(``user_path.load_world``). Each persona's members are split in two: the engine may quote one
half (and speak about one of its accounts); a persona classifier learns from the other half only.
Then every persona holds scripted 8-turn conversations in free chat and in each built-in
scenario, with CSM lines from ``data/chat_scripts.yaml`` (written for this benchmark, never used
to build the engine). Per reply it counts:

- ``contradiction_rate``: a reply giving a second value for a fact the customer already stated
  (people using it, seats, price a year or per seat, a competitor's discount, incidents, the
  renewal date), found by this benchmark's own patterns;
- ``repeat_rate``: a reply saying again a sentence the customer already said (a typo or a
  number aside);
- ``ignored_intent_rate``: a reply with no response to the move the script line makes (the
  line's ``expect``), judged by this benchmark's response cues;
- ``leak_rate``: a reply with a redaction token, a signature, an e-mail address or a phone number;
- ``fidelity_holdout``: the share of replies the held-out classifier attributes to the persona.

One JSON line per seed, then a summary line with the minimum or maximum over seeds (never the
best seed alone). ``--split dev`` reads the script lines open to engine work; ``test``,
``test2`` and the default ``test3`` the lines written before each engine version was scored,
each read once for that version.

    .venv/bin/python benchmarks/bench_chat_believability.py [--seeds 4711 9931] [--scale 0.3]
        [--scripts 10] [--split test3] [--show 3]
"""

import argparse
import json
import os
import random
import re
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cspersona.chat.accounts import member_accounts
from cspersona.chat.character import MemberMessage, character_from_messages, member_messages
from cspersona.chat.engine import OfflineEngine
from cspersona.chat.fidelity import persona_classifier
from cspersona.chat.judge import rate_conversation, summary_of
from cspersona.chat.retrieval import SnippetIndex
from cspersona.chat.scenarios import Outcome, Scenario, builtin_scenarios, outcome
from cspersona.chat.service import current_personas
from cspersona.config import Settings, load_settings
from cspersona.db.engine import make_engine, make_session_factory
from cspersona.llm.client import LLMClient
from cspersona.llm.factory import client_from_settings
from cspersona.nlp.similarity import says_the_same, sentences_of
from cspersona.nlp.text_checks import text_problems
from cspersona.personas.models import Persona
from user_path import load_world

SCRIPTS = Path(__file__).parent / "data" / "chat_scripts.yaml"
TURNS = 8
FREE = "free"

# Facts a customer states, by this benchmark's own patterns: (pattern, key of the fact).
_MONEY = r"\$\s?\d[\d,]*(?:\.\d+)?k?"
_FACTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"({_MONEY})\s+(?:a|per|each)\s+(year|month|seat|user)", re.I), "price per"),
    (re.compile(r"\b(\d[\d,]*)\s+(?:\w+\s+)?(people|users|employees|staff)\b", re.I), "users"),
    (re.compile(r"\b(\d[\d,]*)\s+(?:\w+\s+)?(seats|licen[cs]es)\b", re.I), "seats"),
    (re.compile(r"\b(\d+)\s?(?:%|percent)\s+(less|lower|cheaper)", re.I), "competitor"),
    (
        re.compile(r"\b(\d+|two|three|four|five)\s+(?:\w+\s+)?(outages|incidents)\b", re.I),
        "incidents",
    ),
    (
        re.compile(
            r"renew\w*\D{0,30}?\b((?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\s+\d{1,2})",
            re.I,
        ),
        "renewal",
    ),
)
_CONTACT = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.]+|(?<![\w-])\+?\(?\d[\d\s().-]{7,}\d(?![\w-])|"
    r"\[(name|email|phone)\]|<[A-Z_]+>"
)
# What a reply says when it responds to each move (this benchmark's cues, not the engine's).
_RESPONDS: dict[str, re.Pattern[str]] = {
    "empathy": re.compile(
        r"appreciat|thank|understand|hear|gets it|sympathy|kind words|sentiment|see where|"
        r"feel|heard|acknowledg",
        re.I,
    ),
    "apology": re.compile(r"apolog|sorry|accept|owning|mistake|noted|no hard feelings", re.I),
    "concession": re.compile(
        r"discount|price|cost|budget|finance|offer|money|cheaper|credit|spend|renewal", re.I
    ),
    "technical_explanation": re.compile(
        r"explain|explanation|detail|technical|root cause|makes sense|engineers|logs|plain|"
        r"follow|traces|clearer|lost me|what does that mean|simpl",
        re.I,
    ),
    "timeline_commitment": re.compile(
        r"date|deadline|timeline|plan|hold|slip|deliver|schedule|day|week", re.I
    ),
    "escalation": re.compile(
        r"escalat|senior|owner|owns|right people|level|manager|decision|involv|rais|internal|push|"
        r"team on it",
        re.I,
    ),
    "upsell_pitch": re.compile(
        r"upgrade|plan|spend|sell|tier|option|detail|price|cost|more|interest|pay|"
        r"what does it do",
        re.I,
    ),
    "vague": re.compile(
        r"vague|specific|concrete|answer|detail|date|owner|posted|eta|mean|know more|tell me",
        re.I,
    ),
    "prompt_injection": re.compile(r"account|issue|problem|follow|relevant|matter|what\?", re.I),
}
_FACT_QUESTION = re.compile(r"how many|what are you paying|renewal date|when is your renewal", re.I)


@dataclass
class Tally:
    """Counts over every reply of one seed."""

    replies: int = 0
    conversations: int = 0
    contradictions: int = 0
    repeats: int = 0
    ignored: int = 0
    leaks: int = 0
    attributed: int = 0
    examples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def note(self, kind: str, text: str, show: int) -> None:
        """Keep up to ``show`` examples of each kind of fault."""
        if len(self.examples[kind]) < show:
            self.examples[kind].append(text)


def facts_stated(text: str) -> list[tuple[str, str]]:
    """(fact, value) pairs a reply states, by the benchmark's patterns."""
    stated = []
    for pattern, key in _FACTS:
        for match in pattern.finditer(text):
            unit = match.group(2).lower() if match.lastindex and match.lastindex >= 2 else ""
            fact = f"{key} {unit}" if key == "price per" else key
            stated.append((fact, match.group(1).lower().replace(" ", "")))
    return stated


def responds_to(expect: str, message: str, reply: str) -> bool:
    """Whether the reply responds to the move the CSM's line makes."""
    if expect == "question":
        answers = [s for s in sentences_of(reply) if not s.endswith("?")]
        if _FACT_QUESTION.search(message):
            return any(re.search(r"\d", s) for s in answers)
        return len(" ".join(answers).split()) >= 5
    return bool(_RESPONDS[expect].search(reply))


def converse(
    engine: OfflineEngine,
    scenario: Scenario | None,
    lines: Sequence[dict[str, str]],
    tally: Tally,
    classifier: Any,
    show: int,
) -> list[tuple[str, str]]:
    """One scripted conversation; counts faults and returns its transcript (CSM, customer)."""
    state = engine.start(scenario)
    said: list[str] = sentences_of(scenario.opening) if scenario else []
    facts: dict[str, str] = {}
    transcript: list[tuple[str, str]] = [("persona", scenario.opening)] if scenario else []
    replies: list[str] = []
    for line in lines:
        reply = engine.respond(state, line["say"], scenario=scenario)
        state = reply.state
        text = reply.text
        replies.append(text)
        transcript += [("csm", line["say"]), ("persona", text)]
        tally.replies += 1
        stated = facts_stated(text)
        if any(facts.get(fact, value) != value for fact, value in stated):
            tally.contradictions += 1
            tally.note("contradiction", f"{facts} -> {text}", show)
        facts.update({fact: value for fact, value in stated if fact not in facts})
        sentences = sentences_of(text)
        if any(says_the_same(new, old) for new in sentences for old in said):
            tally.repeats += 1
            tally.note("repeat", text, show)
        said += sentences
        if not responds_to(line["expect"], line["say"], text):
            tally.ignored += 1
            tally.note("ignored", f"[{line['expect']}] {line['say']} -> {text}", show)
        if text_problems(text) or _CONTACT.search(text):
            tally.leaks += 1
            tally.note("leak", text, show)
        if scenario is not None and outcome(scenario, state) is not Outcome.ONGOING:
            break
    predicted = classifier.predict(replies)
    tally.attributed += int(sum(int(p) == engine.character.persona_id for p in predicted))
    return transcript


def split_members(messages: list[MemberMessage], seed: int) -> tuple[set[int], set[int]]:
    """The members the engine may quote and the members the classifier learns from."""
    members = sorted({message.customer_id for message in messages})
    random.Random(seed).shuffle(members)
    half = len(members) // 2
    return set(members[:half]), set(members[half:])


def world_settings(seed: int, args: argparse.Namespace, folder: Path) -> Settings:
    """A world through the user's path; with ``--keep``, one built earlier is read again."""
    world = folder / f"seed-{seed}-scale-{args.scale}"
    if args.keep and (world / "data").exists():
        return load_settings(data_dir=world / "data", secret_key="bench")
    return load_world(world, seed=seed, scale=args.scale, secret_key="bench")


def measure_seed(seed: int, args: argparse.Namespace) -> dict[str, Any]:
    """Build one world and hold every scripted conversation with every persona."""
    with tempfile.TemporaryDirectory() as temporary:
        started = time.perf_counter()
        settings = world_settings(seed, args, Path(args.keep or temporary))
        setup = time.perf_counter() - started
        sessions = make_session_factory(make_engine(settings.sqlalchemy_url))
        with sessions() as db_session:
            personas = current_personas(db_session=db_session)
            messages = {
                p.id: member_messages(db_session=db_session, persona_id=p.id) for p in personas
            }
            accounts = {
                p.id: member_accounts(db_session=db_session, persona_id=p.id) for p in personas
            }
            # The judge's calls go to this world's call log, as any LLM call of the product does.
            judge = (
                client_from_settings(load_settings(), db_session=db_session) if args.judge else None
            )
            result = hold_conversations(seed, args, personas, messages, accounts, judge)
            db_session.commit()
    return {**result, "setup_seconds": round(setup, 1)}


def hold_conversations(
    seed: int,
    args: argparse.Namespace,
    personas: Sequence[Persona],
    messages: dict[int, list[MemberMessage]],
    accounts: dict[int, list[dict[str, str]]],
    judge: LLMClient | None,
) -> dict[str, Any]:
    """Every persona in every context, ``args.scripts`` times; the tallies as one result."""
    scripts = yaml.safe_load(SCRIPTS.read_text("utf-8"))
    scenarios = builtin_scenarios()
    quoted: dict[int, list[MemberMessage]] = {}
    train_texts: list[str] = []
    train_labels: list[int] = []
    for persona in personas:
        shown, learned = split_members(messages[persona.id], seed)
        quoted[persona.id] = [m for m in messages[persona.id] if m.customer_id in shown]
        for message in messages[persona.id]:
            if message.customer_id in learned:
                train_texts.append(message.text)
                train_labels.append(persona.id)
    classifier = persona_classifier(train_texts, train_labels)
    tally = Tally()
    ratings: list[tuple[int, int]] = []
    contexts: list[str | None] = [None, *sorted(scenarios)]
    started = time.perf_counter()
    for persona in personas:
        own = quoted[persona.id]
        character = character_from_messages(persona_id=persona.id, name=persona.name, messages=own)
        others = [m.text for pid, rows in quoted.items() if pid != persona.id for m in rows]
        index = SnippetIndex([m.text for m in own], [m.customer_id for m in own], others=others)
        for context in contexts:
            pool = scripts["general"][args.split] + (
                scripts[context][args.split] if context else []
            )
            for number in range(args.scripts):
                rng = random.Random(f"{seed}|{persona.id}|{context}|{number}")
                lines = rng.sample(pool, min(TURNS, len(pool)))
                engine = OfflineEngine(character, index, seed=number, accounts=accounts[persona.id])
                scenario = scenarios[context] if context else None
                transcript = converse(engine, scenario, lines, tally, classifier, args.show)
                tally.conversations += 1
                if judge is not None and number < args.judge:
                    rating = rate_conversation(judge, summary_of(character), transcript)
                    ratings.append((rating.believability, rating.persona_consistency))
    talk = time.perf_counter() - started
    replies = max(1, tally.replies)
    return {
        "figure": "chat_believability",
        "seed": seed,
        "split": args.split,
        "personas": len(personas),
        "conversations": tally.conversations,
        "replies": tally.replies,
        "contradiction_rate": round(tally.contradictions / replies, 4),
        "repeat_rate": round(tally.repeats / replies, 4),
        "ignored_intent_rate": round(tally.ignored / replies, 4),
        "leak_rate": round(tally.leaks / replies, 4),
        "fidelity_holdout": round(tally.attributed / replies, 4),
        "reply_ms_mean": round(1000 * talk / replies, 2),
        "load_average": round(os.getloadavg()[0], 2),
        **(judged(ratings) if judge is not None else {}),
        "examples": dict(tally.examples),
    }


def judged(ratings: list[tuple[int, int]]) -> dict[str, Any]:
    """Mean 1-5 ratings of the language-model judge over the conversations it read."""
    count = max(1, len(ratings))
    return {
        "judged_conversations": len(ratings),
        "judge_believability": round(sum(r[0] for r in ratings) / count, 2),
        "judge_persona_consistency": round(sum(r[1] for r in ratings) / count, 2),
    }


def main() -> None:
    """Measure every seed, then print the worst over seeds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[4711, 9931])
    parser.add_argument("--scale", type=float, default=0.3)
    parser.add_argument(
        "--scripts",
        type=int,
        default=10,
        help="conversations per persona and context (10: 200 with four personas)",
    )
    parser.add_argument("--split", choices=("dev", "test", "test2", "test3"), default="test3")
    parser.add_argument("--show", type=int, default=3, help="examples of each fault to print")
    parser.add_argument("--keep", help="folder to keep built worlds in and reuse them from")
    parser.add_argument(
        "--judge",
        type=int,
        default=0,
        help="with an LLM provider configured (CSPERSONA_LLM_*), conversations per persona and "
        "context it rates for believability and persona consistency (1-5)",
    )
    args = parser.parse_args()
    results = []
    for seed in args.seeds:
        result = measure_seed(seed, args)
        results.append(result)
        print(json.dumps(result), flush=True)
    rates = ("contradiction_rate", "repeat_rate", "ignored_intent_rate", "leak_rate")
    summary = {
        "figure": "chat_believability_summary",
        "seeds": args.seeds,
        "split": args.split,
        "conversations_min": min(r["conversations"] for r in results),
        **{f"{rate}_max": max(r[rate] for r in results) for rate in rates},
        "fidelity_holdout_min": min(r["fidelity_holdout"] for r in results),
        "load_average": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
