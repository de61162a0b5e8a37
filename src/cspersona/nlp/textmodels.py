"""The packaged linear text model: shared features, a sentiment head and one head per emotion.

One file (``data/linear.joblib``) holds a fitted :func:`text_features` union and the heads; the
sentiment and emotion analysers share it, and the features of a batch are computed once for both.
"""

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from scipy.sparse import csr_matrix
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from cspersona.exceptions import ConfigError

MODEL_PATH = Path(__file__).with_name("data") / "linear.joblib"


class VaderFeatures(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """VADER's negative, neutral, positive and compound scores as four dense features."""

    def __init__(self, weight: float = 2.0) -> None:
        """Scale the four scores by ``weight`` (TF-IDF features are at most 1)."""
        self.weight = weight

    def fit(self, texts: Any, labels: Any = None) -> "VaderFeatures":
        """Nothing to learn; the lexicon is fixed."""
        return self

    def transform(self, texts: Any) -> csr_matrix:
        """Four scores per text, scaled by ``weight``."""
        vader = _vader()
        rows = [
            (score["neg"], score["neu"], score["pos"], score["compound"])
            for score in map(vader.polarity_scores, texts)
        ]
        return csr_matrix(np.asarray(rows, dtype=np.float64).reshape(-1, 4) * self.weight)


# Support language that says "problem" in plain words ("still waiting", "on hold for an hour",
# "third time I ask", "cancelled"): general sentiment corpora rarely teach these, so each family
# is one feature the heads can weigh. Lower case: texts are lowered once, faster than IGNORECASE.
COMPLAINT_CUES = tuple(
    re.compile(pattern)
    for pattern in (
        r"\bstill\b",
        r"\bagain\b",
        r"\b(never|nobody|no one|nothing)\b",
        r"\b(wait|waiting|waited|on hold|hold)\b",
        r"\b(delay\w*|late|cancel\w*)\b",
        r"\b(lost|missing|broken|fail\w*|error|not working|doesn'?t work|won'?t|can'?t|cannot)\b",
        r"\b(refund|charged|fee|compensat\w*)\b",
        r"\b(worst|terrible|awful|horrible|useless|ridiculous|unacceptable|joke)\b",
        r"\b(hours?|days?|weeks?)\b",
        r"\?",
        r"!",
    )
)
MAX_CUE_COUNT = 3


class ComplaintCues(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """How often each family of :data:`COMPLAINT_CUES` occurs, capped and scaled to [0, 1]."""

    def fit(self, texts: Any, labels: Any = None) -> "ComplaintCues":
        """Nothing to learn; the cues are fixed."""
        return self

    def transform(self, texts: Any) -> csr_matrix:
        """One column per cue family."""
        rows = [
            [min(len(cue.findall(text)), MAX_CUE_COUNT) for cue in COMPLAINT_CUES]
            for text in map(str.lower, texts)
        ]
        counts = np.asarray(rows, dtype=np.float64).reshape(-1, len(COMPLAINT_CUES))
        return csr_matrix(counts / MAX_CUE_COUNT)


_MENTION = re.compile(r"(?<![\w@])@\w+")


def without_mentions(text: str) -> str:
    """``text`` without @handles: who a message is addressed to says nothing about its tone."""
    if "@" not in text:
        return text
    return _MENTION.sub("", text).strip() or text


@lru_cache(maxsize=1)
def _vader() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def text_features(*, max_features: int = 30_000) -> FeatureUnion:
    """Word 1-2-grams (TF-IDF), VADER's scores and the complaint cues.

    Character n-grams were dropped in version 2: they cost most of the analysis time and scored
    no better on sentiment or emotions (docs/nlp.md).
    """
    words = TfidfVectorizer(
        ngram_range=(1, 2), min_df=2, max_features=max_features, sublinear_tf=True
    )
    return FeatureUnion(
        [("words", words), ("vader", VaderFeatures()), ("complaints", ComplaintCues())]
    )


@dataclass
class LinearTextModel:
    """Fitted features and classifiers: ``sentiment`` over labels, one binary head per emotion."""

    features: FeatureUnion
    sentiment: Any
    emotions: dict[str, Any]
    metadata: dict[str, Any]

    def __post_init__(self) -> None:
        """Start with no remembered batch."""
        self._lock = threading.Lock()
        self._last: tuple[Sequence[str], csr_matrix] | None = None

    def __getstate__(self) -> dict[str, Any]:
        """Pickle the fitted parts only, never the lock or the remembered batch."""
        return {
            key: getattr(self, key) for key in ("features", "sentiment", "emotions", "metadata")
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore the fitted parts and a fresh lock."""
        self.__dict__.update(state)
        self.__post_init__()

    def transform(self, texts: Sequence[str]) -> csr_matrix:
        """Features of ``texts``; the last batch is remembered so both heads share one pass."""
        with self._lock:
            if self._last is not None and self._last[0] is texts:
                return self._last[1]
        matrix = self.featurise(texts)
        with self._lock:
            self._last = (texts, matrix)
        return matrix

    def featurise(self, texts: Sequence[str]) -> csr_matrix:
        """Features of ``texts``, computed afresh; @handles are dropped first."""
        return csr_matrix(self.features.transform([without_mentions(text) for text in texts]))


def load_text_model() -> LinearTextModel:
    """The packaged model, read once per process."""
    return _load(MODEL_PATH)


@lru_cache(maxsize=2)
def _load(path: Path) -> LinearTextModel:
    if not path.is_file():
        raise ConfigError(
            f"packaged NLP model {path} is missing; rebuild it with "
            "python -m cspersona.nlp.training"
        )
    model: LinearTextModel = joblib.load(path)
    return model
