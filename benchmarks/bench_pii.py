"""PII detection quality and speed: cspersona's analyser next to vanilla Presidio, offline.

Reads ``../shared/datasets/pii/presidio-synth-dev.json`` (500 sentences with gold spans, from
microsoft/presidio-research) and prints one JSON line per system: entity-level precision,
recall and F1 overall and per type, and sentences per second. Scored types are the ones the
product detects and the gold set labels; a prediction counts when its type matches and it
overlaps a gold span (see ``cspersona.pii.evaluation``).

    .venv/bin/python benchmarks/bench_pii.py [--datasets DIR] [--repeat N]
"""

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cspersona.pii.analyzer import PiiAnalyzer
from cspersona.pii.entities import EntityType
from cspersona.pii.evaluation import LabelledSpan, Scores

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATASETS = ROOT.parent / "shared" / "datasets"
SCORED_TYPES = {
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "STREET_ADDRESS",
    "CREDIT_CARD",
    "IBAN_CODE",
    "US_SSN",
    "IP_ADDRESS",
}

Detector = Callable[[str], list[LabelledSpan]]


def cspersona_detector() -> Detector:
    """Our analyser with its default recognisers and no caller context."""
    analyzer = PiiAnalyzer(entities=[EntityType(name) for name in SCORED_TYPES])

    def detect(text: str) -> list[LabelledSpan]:
        return [
            LabelledSpan(span.entity_type.value, span.start, span.end)
            for span in analyzer.analyze(text)
        ]

    return detect


def presidio_detector() -> Detector:
    """Presidio's analyser as shipped: no-op NLP engine, default recognisers, explicit entities."""
    # An empty URL list makes tldextract use its bundled suffix snapshot instead of the network.
    os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NoOpNlpEngine

    engine = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}])
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(nlp_engine=engine, languages=["en"])
    analyzer = AnalyzerEngine(nlp_engine=engine, registry=registry, supported_languages=["en"])
    entities = sorted(SCORED_TYPES)

    def detect(text: str) -> list[LabelledSpan]:
        results = analyzer.analyze(text, language="en", entities=entities)
        return [LabelledSpan(result.entity_type, result.start, result.end) for result in results]

    return detect


def measure(
    name: str, detect: Detector, records: list[dict[str, Any]], repeat: int
) -> dict[str, Any]:
    """Score one detector on every record; time ``repeat`` passes and keep the fastest."""
    scores = Scores()
    for record in records:
        gold = [
            LabelledSpan(span["entity_type"], span["start_position"], span["end_position"])
            for span in record["spans"]
        ]
        scores.add_record(gold, detect(record["full_text"]), SCORED_TYPES)
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for record in records:
            detect(record["full_text"])
        best = min(best, time.perf_counter() - started)
    return {
        "benchmark": "pii",
        "system": name,
        "sentences": len(records),
        **scores.overall.as_dict(),
        "sentences_per_s": round(len(records) / best),
        "per_type": {name: score.as_dict() for name, score in sorted(scores.per_type.items())},
    }


def main() -> int:
    """Print one JSON line per system, then one comparing them with the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS)
    parser.add_argument("--repeat", type=int, default=3, help="timing passes; the best counts")
    parser.add_argument("--half", choices=["all", "first", "second"], default="all")
    arguments = parser.parse_args()
    path = arguments.datasets / "pii" / "presidio-synth-dev.json"
    if not path.exists():
        print(f"skipped: {path} not found (pass --datasets DIR)")
        return 0
    records = json.loads(path.read_text(encoding="utf-8"))
    middle = len(records) // 2
    records = {"all": records, "first": records[:middle], "second": records[middle:]}[
        arguments.half
    ]
    ours = measure("cspersona", cspersona_detector(), records, arguments.repeat)
    print(json.dumps(ours))
    try:
        theirs = measure("presidio-vanilla", presidio_detector(), records, arguments.repeat)
    except ImportError:
        print("presidio not installed: pip install -e '.[dev]' to compare", file=sys.stderr)
        return 0
    print(json.dumps(theirs))
    print(
        json.dumps(
            {
                "benchmark": "pii-targets",
                "f1": ours["f1"],
                "f1_at_least_0_85": ours["f1"] >= 0.85,
                "person_recall": ours["per_type"]["PERSON"]["recall"],
                "person_recall_at_least_0_80": ours["per_type"]["PERSON"]["recall"] >= 0.80,
                "f1_points_above_presidio": round(100 * (ours["f1"] - theirs["f1"]), 1),
                "speed_ratio_to_presidio": round(
                    ours["sentences_per_s"] / theirs["sentences_per_s"], 1
                ),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
