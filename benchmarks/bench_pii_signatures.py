"""PII in greetings and signature blocks: PERSON precision and recall on generator-labelled frames.

Builds labelled greetings and signatures (``cspersona.synth.signatures``) for world seeds the
tests never use, runs ingestion's redactor on them (``RecordAnonymizer``: the settings' analyser
and, in the ``ingestion`` context, the customer's contacts as known names and its company name
and the product catalogue as non-names; the ``bare`` context knows nothing, like
``cspersona pii detect``) and prints one JSON line per seed and context, then the minimum over
seeds against the targets (PERSON precision >= 0.95, recall >= 0.90).

    .venv/bin/python benchmarks/bench_pii_signatures.py [--seeds 11 23 37] [--count 400]
"""

import argparse
import json
import sys
from typing import Any

from cspersona.catalogue.models import Catalogue, load_catalogue
from cspersona.config import load_settings
from cspersona.ingest.anonymize import RecordAnonymizer, Scope
from cspersona.pii.evaluation import LabelledSpan, Scores
from cspersona.pii.recognizer import AnalysisContext
from cspersona.synth.signatures import LabelledText, labelled_signatures

# Seed 5 is the development seed the detector was tuned on; tests use 3.
DEFAULT_SEEDS = (11, 23, 37)
SCORED_TYPES = {"PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS"}
CONTEXTS = ("ingestion", "bare")


def measure(
    seed: int, count: int, catalogue: Catalogue, context_kind: str, show: int
) -> dict[str, Any]:
    """Scores of one seed's labelled frames under one kind of context."""
    anonymizer = RecordAnonymizer(load_settings(), catalogue)
    assert anonymizer.redactor is not None, "PII must be enabled to be measured"
    scores = Scores()
    misses: list[dict[str, Any]] = []
    for index, sample in enumerate(labelled_signatures(seed, count, catalogue)):
        context = _context(anonymizer, f"customer-{index}", sample, context_kind)
        predicted = [
            LabelledSpan(span.entity_type.value, span.start, span.end)
            for span in anonymizer.redactor.detect(sample.text, context)
        ]
        scores.add_record(sample.spans, predicted, SCORED_TYPES)
        if len(misses) < show:
            misses.extend(_differences(sample, predicted))
    person = scores.per_type["PERSON"]
    result: dict[str, Any] = {
        "benchmark": "pii-signatures",
        "seed": seed,
        "context": context_kind,
        "texts": count,
        "person_precision": round(person.precision, 3),
        "person_recall": round(person.recall, 3),
        "per_type": {name: score.as_dict() for name, score in sorted(scores.per_type.items())},
    }
    if show:
        result["differences"] = misses[:show]
    return result


def _context(
    anonymizer: RecordAnonymizer, customer: str, sample: LabelledText, context_kind: str
) -> AnalysisContext:
    if context_kind == "bare":
        return AnalysisContext()
    anonymizer.know_company(customer, sample.company_name)
    for name in sample.contact_names:
        anonymizer.know_contact(customer, name)
    return anonymizer.context(Scope.of(customer))


def _differences(sample: LabelledText, predicted: list[LabelledSpan]) -> list[dict[str, Any]]:
    """PERSON spans found but not gold, and gold but not found, with their line."""
    gold = [span for span in sample.spans if span.entity_type == "PERSON"]
    found = [span for span in predicted if span.entity_type == "PERSON"]
    wrong = [span for span in found if not any(_overlap(span, other) for other in gold)]
    missed = [span for span in gold if not any(_overlap(span, other) for other in found)]
    return [
        {"kind": kind, "span": sample.text[span.start : span.end], "line": _line(sample, span)}
        for kind, spans in (("false_person", wrong), ("missed_person", missed))
        for span in spans
    ]


def _overlap(first: LabelledSpan, second: LabelledSpan) -> bool:
    return first.start < second.end and second.start < first.end


def _line(sample: LabelledText, span: LabelledSpan) -> str:
    start = sample.text.rfind("\n", 0, span.start) + 1
    end = sample.text.find("\n", span.end)
    return sample.text[start : end if end >= 0 else len(sample.text)]


def main() -> int:
    """One JSON line per seed and context, then the minimum per context against the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(DEFAULT_SEEDS))
    parser.add_argument("--count", type=int, default=400, help="labelled texts per seed")
    parser.add_argument("--show", type=int, default=0, help="print up to N differences per seed")
    arguments = parser.parse_args()
    catalogue = load_catalogue()
    for context_kind in CONTEXTS:
        results = [
            measure(seed, arguments.count, catalogue, context_kind, arguments.show)
            for seed in arguments.seeds
        ]
        for result in results:
            print(json.dumps(result))
        precision = min(result["person_precision"] for result in results)
        recall = min(result["person_recall"] for result in results)
        print(
            json.dumps(
                {
                    "benchmark": "pii-signatures-targets",
                    "context": context_kind,
                    "seeds": arguments.seeds,
                    "min_person_precision": precision,
                    "min_person_recall": recall,
                    "precision_at_least_0_95": precision >= 0.95,
                    "recall_at_least_0_90": recall >= 0.90,
                }
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
