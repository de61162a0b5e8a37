"""Do discovered topics match the real ones, and can a person read their names? Unseen worlds.

For each ``--seeds`` world (never used by the tests): generate it into files, import them through
ingestion (PII anonymisation included: the user's path), run the NLP and topic stages, then
compare every topical customer message's discovered topic with the topic the generator wrote it
about (``truth/messages.jsonl``; messages that are small talk have none and are left out): NMI
(scikit-learn's ``normalized_mutual_info_score``). Each topic name is checked too: two to four
words, not made of stop words, no digits, dates, redaction placeholders (``[name]``), e-mail
addresses or domains, and no word shared by every name. A name's word is generic when it is
among the ten most frequent content words of at least a tenth of the topics (and of three),
counted in the topics' messages whatever the model's key phrases say: the share of names
holding one is reported. Prints one JSON line per seed (names included, with the
truth topic most of each one's messages are about, and the seconds the topic stage took) and
one with the minimum, median and maximum NMI.

Target (issue 16): NMI >= 0.70 as the minimum over seeds; every name readable.

    .venv/bin/python benchmarks/bench_topics.py [--seeds 5101 6202 7303] [--scale 0.3]
"""

import argparse
import json
import re
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.metrics import normalized_mutual_info_score
from sqlalchemy import select

from cspersona.conversations.models import AuthorRole, Message
from cspersona.db.engine import make_engine, make_session_factory, session_scope
from cspersona.nlp.models import MessageAnalysis, Topic
from cspersona.nlp.service import assign_topics
from cspersona.nlp.topics import content_words
from cspersona.pipeline.stages import STAGES
from user_path import WORLD_FOLDER, load_world

TARGET_NMI = 0.70
MONTHS_AND_DAYS = frozenset(
    "january february march april may june july august september october november december"
    " jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday"
    " saturday sunday today tomorrow yesterday".split()
)
NAME_PROBLEMS = {
    "digit": re.compile(r"\d"),
    "placeholder": re.compile(r"[\[\]<>]"),
    "e-mail or domain": re.compile(r"@|\b[\w-]+\.(?:com|net|org|io|co|uk|de|fr)\b|www", re.I),
}
NAME_STOP_WORDS = ENGLISH_STOP_WORDS | {"&"}
# A word among the most frequent of this share of the topics (and of at least 3) is generic.
GENERIC_SHARE = 0.1
GENERIC_TOPICS = 3
TOP_WORDS = 10


def name_problems(name: str) -> list[str]:
    """What makes ``name`` unreadable as a topic's name; empty when nothing does."""
    words = name.lower().replace("&", " ").split()
    found = [problem for problem, pattern in NAME_PROBLEMS.items() if pattern.search(name)]
    if not 2 <= len(words) <= 4:
        found.append("not 2-4 words")
    if all(word in NAME_STOP_WORDS for word in words):
        found.append("stop words only")
    if any(word in MONTHS_AND_DAYS for word in words):
        found.append("date")
    return found


def shared_words(names: list[str]) -> list[str]:
    """Content words that every name holds: a generic word, not a subject."""
    sets = [set(name.lower().replace("&", " ").split()) - NAME_STOP_WORDS for name in names]
    return sorted(set.intersection(*sets)) if len(sets) > 1 else []


def generic_names(texts: dict[str, list[str]]) -> list[str]:
    """Names (keys) holding a word frequent in many topics' texts: a word, not a subject."""
    holders: Counter[str] = Counter()
    for topic_texts in texts.values():
        frequent = Counter(word for text in topic_texts for word in content_words(text))
        holders.update(word for word, _ in frequent.most_common(TOP_WORDS))
    floor = max(GENERIC_TOPICS, GENERIC_SHARE * len(texts))
    generic = {word for word, count in holders.items() if count >= floor}
    return [name for name in texts if set(name.lower().replace("&", " ").split()) & generic]


def measure(seed: int, scale: float) -> dict[str, object]:
    """One world's NMI, topic names and their problems."""
    with tempfile.TemporaryDirectory() as folder:
        settings = load_world(
            Path(folder), seed=seed, scale=scale, secret_key="bench-topics", stages=STAGES[:1]
        )
        engine = make_engine(settings.sqlalchemy_url)
        started = time.perf_counter()
        with session_scope(make_session_factory(engine)) as db_session:
            assign_topics(db_session=db_session, settings=settings)
        topic_seconds = time.perf_counter() - started
        truth_lines = (Path(folder) / WORLD_FOLDER / "truth" / "messages.jsonl").read_text()
        truth = {
            row["external_id"]: row["topic"] for row in map(json.loads, truth_lines.splitlines())
        }
        with session_scope(make_session_factory(engine)) as db_session:
            assigned = db_session.execute(
                select(Message.external_id, Topic.number, MessageAnalysis.cleaned_text)
                .join(MessageAnalysis, MessageAnalysis.message_id == Message.id)
                .join(Topic, Topic.id == MessageAnalysis.topic_id)
                .where(Message.author_role == AuthorRole.CUSTOMER)
            ).all()
            names = dict(db_session.execute(select(Topic.number, Topic.name)).all())
        engine.dispose()
    pairs = [(truth[external], number) for external, number, _ in assigned if truth.get(external)]
    texts: dict[str, list[str]] = {name: [] for name in names.values()}
    for _, number, text in assigned:
        texts[names[number]].append(text or "")
    generic = generic_names(texts)
    nmi = normalized_mutual_info_score([t for t, _ in pairs], [n for _, n in pairs])
    majority: dict[int, Counter[str]] = {}
    for true_topic, number in pairs:
        majority.setdefault(number, Counter())[true_topic] += 1
    topics = [
        {
            "name": names[number],
            "messages": sum(counts.values()),
            "mostly": counts.most_common(1)[0][0],
            "purity": round(counts.most_common(1)[0][1] / sum(counts.values()), 2),
        }
        for number, counts in sorted(majority.items(), key=lambda item: -item[1].total())
    ]
    problems = {name: found for name in names.values() if (found := name_problems(name))}
    return {
        "benchmark": "topics",
        "seed": seed,
        "scale": scale,
        "nmi": round(float(nmi), 3),
        "topical_messages": len(pairs),
        "truth_topics": len({t for t, _ in pairs}),
        "topics": len(names),
        "topic_seconds": round(topic_seconds, 1),
        "generic_names_share": round(len(generic) / max(len(names), 1), 2),
        "generic_names": generic,
        "distinct_names": len(set(names.values())) == len(names),
        "name_problems": problems,
        "shared_words": shared_words(list(names.values())),
        "names": topics,
    }


def main() -> None:
    """Measure every seed; print its line, then the minimum, median and maximum NMI."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[5101, 6202, 7303])
    parser.add_argument("--scale", type=float, default=0.3)
    args = parser.parse_args()
    scores = []
    generic_shares = []
    readable = True
    for seed in args.seeds:
        figures = measure(seed, args.scale)
        print(json.dumps(figures), flush=True)
        scores.append(float(figures["nmi"]))  # type: ignore[arg-type]
        generic_shares.append(float(figures["generic_names_share"]))  # type: ignore[arg-type]
        readable &= not figures["name_problems"] and not figures["shared_words"]
    print(
        json.dumps(
            {
                "benchmark": "topics",
                "seeds": args.seeds,
                "scale": args.scale,
                "nmi_min": min(scores),
                "nmi_median": statistics.median(scores),
                "nmi_max": max(scores),
                "target_nmi_min": TARGET_NMI,
                "names_readable": readable,
                "generic_names_share_max": max(generic_shares),
            }
        )
    )


if __name__ == "__main__":
    main()
