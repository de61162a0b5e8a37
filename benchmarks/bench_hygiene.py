"""Message hygiene against the synthetic world's truth, beside GitHub's email_reply_parser.

Generates a world in memory at a seed the tests never use (the truth records each customer
message's own words: greeting and message, without sign-off, signature, disclaimer or quote),
cleans every customer message, and prints one JSON line per system:

- ``exact_match``: share of messages whose clean body equals the truth (white space folded);
- ``no_signature_left``: share whose clean body holds no contact line, no e-mail address or
  phone number of its author, and no line of its author's signature;
- ``messages_per_second``.

Targets (issue 16): exact match >= 0.95 and no signature left >= 0.99 on unseen seeds.

    .venv/bin/python benchmarks/bench_hygiene.py [--seeds 101 202 303] [--scale 0.3]
"""

import argparse
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from cspersona.catalogue.models import load_catalogue
from cspersona.config import load_settings
from cspersona.conversations.hygiene import clean_body
from cspersona.synth.world import World

DEFAULT_SEEDS = (101, 202, 303)
_SPACE = re.compile(r"\s+")
_CONTACT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\+?\(?\d[\d().\s/x-]{6,}\d")


@dataclass(frozen=True)
class Sample:
    """A customer message as stored, the truth of its own words, and its author's details."""

    text: str
    body: str
    author_lines: frozenset[str]


def samples(seed: int, scale: float) -> Iterator[Sample]:
    """Every customer message of a world with a signature-bearing frame or not."""
    world = World(seed=seed, scale=scale, catalogue=load_catalogue(load_settings().catalogue_path))
    for bundle in world.customers():
        bodies = {row["external_id"]: row["body"] for row in bundle.truth["messages"]}
        contacts = {row["external_id"]: row for row in bundle.data["contacts"]}
        for message in bundle.data["messages"]:
            body = bodies.get(message["external_id"])
            if body is None:
                continue
            author = contacts.get(message["author_id"], {})
            details = (author.get("name"), author.get("email"), author.get("phone"))
            yield Sample(message["text"], body, frozenset(item for item in details if item))


def _folded(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _signature_left(cleaned: str, sample: Sample) -> bool:
    """Whether the cleaned text still carries signature material absent from the true body."""
    own = _folded(sample.body)
    extra = [item for item in sample.author_lines if item in cleaned and item not in own]
    contact_lines = [
        line for line in cleaned.splitlines() if _CONTACT.search(line) and line not in sample.body
    ]
    return bool(extra or contact_lines)


def measure(name: str, clean: Callable[[str], str], batch: list[Sample]) -> dict[str, object]:
    """Exact match, signature-free share and speed of one cleaner over ``batch``."""
    started = time.perf_counter()
    cleaned = [clean(sample.text) for sample in batch]
    seconds = time.perf_counter() - started
    pairs = list(zip(cleaned, batch, strict=True))
    exact = sum(_folded(got) == _folded(sample.body) for got, sample in pairs)
    clean_of_signature = sum(not _signature_left(got, sample) for got, sample in pairs)
    return {
        "system": name,
        "messages": len(batch),
        "exact_match": round(exact / len(batch), 4),
        "no_signature_left": round(clean_of_signature / len(batch), 4),
        "messages_per_second": round(len(batch) / seconds),
    }


def cleaners() -> dict[str, Callable[[str], str]]:
    """Ours, and email_reply_parser when it is installed (a benchmark-only dependency)."""
    systems: dict[str, Callable[[str], str]] = {"cspersona": clean_body}
    try:
        from email_reply_parser import EmailReplyParser
    except ImportError:
        print(
            json.dumps(
                {"system": "email_reply_parser", "skipped": "pip install email-reply-parser"}
            )
        )
    else:
        systems["email_reply_parser"] = EmailReplyParser.parse_reply
    return systems


def main() -> None:
    """Print one JSON line per seed and system, then the minimum over seeds per system."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(DEFAULT_SEEDS))
    parser.add_argument("--scale", type=float, default=0.3)
    args = parser.parse_args()
    worst: dict[str, dict[str, float]] = {}
    for seed in args.seeds:
        batch = list(samples(seed, args.scale))
        for name, clean in cleaners().items():
            figures = measure(name, clean, batch) | {"seed": seed}
            print(json.dumps({"benchmark": "hygiene"} | figures), flush=True)
            low = worst.setdefault(name, {"exact_match": 1.0, "no_signature_left": 1.0})
            for key in low:
                low[key] = min(low[key], float(figures[key]))  # type: ignore[arg-type]
    for name, low in worst.items():
        print(json.dumps({"benchmark": "hygiene", "system": name, "minimum_over_seeds": low}))


if __name__ == "__main__":
    main()
