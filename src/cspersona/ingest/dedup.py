"""Recognising a conversation imported twice: the same content, or nearly the same.

Exact: a keyed hash of the conversation's normalised text (case, punctuation and spacing
ignored). Near: MinHash sketches of word 3-grams, compared within the same customer; two
conversations whose estimated Jaccard similarity reaches the threshold are the same one
exported twice (a helpdesk and a mail archive, a re-export with a changed signature line).
Either only counts when the two started within :data:`DUPLICATE_WINDOW` of each other, so a
customer's recurring, identical requests ("please reset my password") stay separate
conversations. Signatures are stored (``interaction_fingerprints``) so later imports compare
against earlier ones without re-reading their text.
"""

import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt

from cspersona.pii.operators import KeyedHash

WORD = re.compile(r"\w+")
SHINGLE_WORDS = 3
SKETCH_SIZE = 64
MIN_SHINGLES = 5
DUPLICATE_WINDOW = timedelta(days=1)
SEED = 20_240_601

Signature = npt.NDArray[np.uint32]


def normalised_words(texts: Iterable[str]) -> list[str]:
    """The words of the texts, casefolded, without punctuation."""
    return WORD.findall(" ".join(texts).casefold())


def content_hash(keyed_hash: KeyedHash, words: list[str]) -> str:
    """A keyed hash of the normalised conversation (64 hex digits)."""
    return keyed_hash.hexdigest("conversation", " ".join(words))


class MinHasher:
    """Bottom-k MinHash sketches: the ``size`` smallest hashes of a text's word 3-grams.

    One fixed hash function (multiply-shift over the words' CRC-32s, the same in every
    process and release) instead of one per sketch slot: a sketch costs one sort, and the
    Jaccard similarity of two sets is estimated from the smallest hashes of their union.
    """

    def __init__(self, size: int = SKETCH_SIZE, seed: int = SEED) -> None:
        """Draw the hash function's odd multiplier and its offset from a fixed seed."""
        generator = np.random.default_rng(seed)
        self.size = size
        self._multiplier = np.uint64(int(generator.integers(0, 1 << 63)) * 2 + 1)
        self._offset = np.uint64(int(generator.integers(0, 1 << 63)))

    def signature(self, words: list[str]) -> Signature | None:
        """The sketch of the word 3-grams, or None when there are too few to compare."""
        if len(words) < SHINGLE_WORDS:
            return None
        word_hashes = np.fromiter(
            (zlib.crc32(word.encode("utf-8")) for word in words), dtype=np.uint64, count=len(words)
        )
        shingles = word_hashes[:-2] * 1_000_003 ^ word_hashes[1:-1] * 8_191 ^ word_hashes[2:]
        with np.errstate(over="ignore"):
            hashed = (shingles * self._multiplier + self._offset) >> np.uint64(32)
        sketch: Signature = np.unique(hashed.astype(np.uint32))[: self.size]
        return sketch if len(sketch) >= MIN_SHINGLES else None


def similarity(first: Signature, second: Signature) -> float:
    """Estimated Jaccard similarity of the two 3-gram sets (exact when both are small)."""
    size = max(len(first), len(second))
    union = np.union1d(first, second)[:size]
    in_both = np.isin(union, first, assume_unique=True) & np.isin(union, second, assume_unique=True)
    return float(in_both.sum() / len(union))


def to_bytes(signature: Signature) -> bytes:
    """The signature as stored (little-endian uint32)."""
    return signature.astype("<u4").tobytes()


def from_bytes(data: bytes) -> Signature:
    """A stored signature."""
    return np.frombuffer(data, dtype="<u4").astype(np.uint32)


@dataclass
class Fingerprint:
    """What near-duplicate search needs of one conversation, and how to name it."""

    reference: str
    started_at: datetime
    signature: Signature


def within_window(first: datetime, second: datetime) -> bool:
    """Whether two conversations started close enough to be one conversation twice."""
    return abs(first - second) <= DUPLICATE_WINDOW


def most_similar(
    signature: Signature, started_at: datetime, candidates: Iterable[Fingerprint], threshold: float
) -> tuple[Fingerprint, float] | None:
    """The most similar candidate at or above ``threshold`` within the window, if any."""
    best: tuple[Fingerprint, float] | None = None
    for candidate in candidates:
        if not within_window(started_at, candidate.started_at):
            continue
        score = similarity(signature, candidate.signature)
        if score >= threshold and (best is None or score > best[1]):
            best = (candidate, score)
    return best
