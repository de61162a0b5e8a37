from datetime import UTC, datetime, timedelta

import numpy as np

from cspersona.ingest.dedup import (
    Fingerprint,
    MinHasher,
    content_hash,
    from_bytes,
    most_similar,
    normalised_words,
    similarity,
    to_bytes,
)
from cspersona.pii.operators import KeyedHash

BASE = (
    "Hi team, our dashboard export keeps failing since the last release. We rely on it for the "
    "weekly operations review every Friday, so this blocks the whole finance team. Could you "
    "look into it and tell us when a fix is expected? Thanks, Priya"
)
SIMILAR = BASE.replace("Thanks, Priya", "Thanks a lot, Priya")
OTHER = (
    "Hello, we would like to upgrade our plan to Enterprise next month and add single sign-on "
    "for all of our users. Who should we talk to about the contract and the price?"
)


def test_normalised_words_ignore_case_punctuation_and_spacing() -> None:
    assert normalised_words(["Hi,  THERE!", "it's\nme"]) == ["hi", "there", "it", "s", "me"]


def test_content_hash_is_keyed_and_ignores_formatting() -> None:
    keyed = KeyedHash("k")

    first = content_hash(keyed, normalised_words(["Hello,   World!"]))

    assert first == content_hash(keyed, normalised_words(["hello world"]))
    assert first != content_hash(KeyedHash("other"), normalised_words(["hello world"]))
    assert len(first) == 64


def test_signatures_estimate_similarity() -> None:
    hasher = MinHasher()
    base, similar, other = (hasher.signature(normalised_words([t])) for t in (BASE, SIMILAR, OTHER))

    assert base is not None and similar is not None and other is not None
    assert similarity(base, base) == 1.0
    assert similarity(base, similar) >= 0.8
    assert similarity(base, other) <= 0.1


def test_signatures_are_stable_across_instances_and_storage() -> None:
    signature = MinHasher().signature(normalised_words([BASE]))
    assert signature is not None

    assert np.array_equal(signature, MinHasher().signature(normalised_words([BASE])))
    assert np.array_equal(from_bytes(to_bytes(signature)), signature)


def test_texts_too_short_to_compare_have_no_signature() -> None:
    assert MinHasher().signature(normalised_words(["Thanks a lot!"])) is None


def test_most_similar_respects_threshold_and_time_window() -> None:
    hasher = MinHasher()
    base, other = (
        hasher.signature(normalised_words([BASE])),
        hasher.signature(normalised_words([OTHER])),
    )
    assert base is not None and other is not None
    start = datetime(2025, 3, 4, tzinfo=UTC)
    candidates = [
        Fingerprint("interaction 1", start, other),
        Fingerprint("interaction 2", start + timedelta(days=3), base),
        Fingerprint("interaction 3", start + timedelta(hours=5), base),
    ]

    match = most_similar(base, start, candidates, threshold=0.9)

    assert match is not None and match[0].reference == "interaction 3"
    assert most_similar(base, start, candidates[:2], threshold=0.9) is None
