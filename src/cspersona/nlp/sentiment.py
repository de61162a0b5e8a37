"""Sentiment analysers: a label (negative, neutral, positive) and a score in [-1, 1] per text."""

import re
from collections.abc import Sequence
from typing import Any, Literal, NamedTuple

import numpy as np

from cspersona.exceptions import ConfigError
from cspersona.nlp.cleaning import has_words
from cspersona.nlp.registry import Analyzer
from cspersona.nlp.textmodels import load_text_model

SentimentLabel = Literal["negative", "neutral", "positive"]
LABELS: tuple[SentimentLabel, ...] = ("negative", "neutral", "positive")
NEUTRAL = "neutral"


class Sentiment(NamedTuple):
    """A text's polarity: the label and a score from -1 (negative) to 1 (positive)."""

    label: SentimentLabel
    score: float


NEUTRAL_SENTIMENT = Sentiment("neutral", 0.0)
# Sentence ends, line breaks and the contrastive turn of "thanks, but ...".
_CLAUSE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+|\s+(?:but|however|though)\s+", re.IGNORECASE)


def clauses(text: str) -> list[str]:
    """The sentences and contrastive clauses of ``text`` that have words; the text if only one."""
    parts = [part for part in _CLAUSE_BREAK.split(text) if has_words(part)]
    return parts if len(parts) > 1 else [text]


def _from_probabilities(probabilities: np.ndarray) -> list[Sentiment]:
    """Most probable label; score P(positive) - P(negative). Columns follow ``LABELS``."""
    winners = probabilities.argmax(axis=1)
    scores = probabilities[:, 2] - probabilities[:, 0]
    return [
        Sentiment(LABELS[int(winner)], round(float(score), 4))
        for winner, score in zip(winners, scores, strict=True)
    ]


class LinearSentiment(Analyzer[Sentiment]):
    """TF-IDF words, VADER scores and complaint cues into logistic regression, packaged.

    In support conversations a complaint outweighs the politeness around it ("Thanks for the
    quick reply, but the export is still broken" is a complaint), so a text is as negative as its
    most negative clause (texts negative as a whole are not split again). Trained on GoEmotions
    sentiment groups, banking77 queries, customer-service phrases and synthetic support messages
    (``python -m cspersona.nlp.training``); see docs/nlp.md for its figures.
    """

    task = "sentiment"
    name = "linear"
    version = "2"

    def load(self) -> None:
        """Read the packaged model."""
        self._model = load_text_model()
        classes = list(self._model.sentiment.classes_)
        self._columns = np.asarray([classes.index(label) for label in LABELS])

    def analyze_batch(self, texts: Sequence[str]) -> list[Sentiment]:
        """One feature matrix (shared with the emotion heads); texts without words are neutral."""
        if not texts:
            return []
        probabilities = self._probabilities(self._model.transform(texts))
        # A text already negative as a whole stays negative; only the others are read by clause.
        undecided = np.flatnonzero(probabilities.argmax(axis=1) != 0)
        probabilities[undecided, 0] = np.maximum(
            probabilities[undecided, 0], self._clause_negativity([texts[int(i)] for i in undecided])
        )
        results = _from_probabilities(probabilities)
        return [
            result if has_words(text) else NEUTRAL_SENTIMENT
            for text, result in zip(texts, results, strict=True)
        ]

    def _probabilities(self, features: Any) -> np.ndarray:
        """Negative, neutral and positive probabilities, in ``LABELS`` order."""
        return np.asarray(self._model.sentiment.predict_proba(features))[:, self._columns]

    def _clause_negativity(self, texts: Sequence[str]) -> np.ndarray:
        """Each text's highest clause P(negative); 0 for texts of one clause."""
        owners, parts = [], []
        for index, text in enumerate(texts):
            text_clauses = clauses(text)
            if len(text_clauses) > 1:
                owners.extend([index] * len(text_clauses))
                parts.extend(text_clauses)
        negativity = np.zeros(len(texts))
        if parts:
            features = self._model.featurise(parts)
            np.maximum.at(negativity, owners, self._probabilities(features)[:, 0])
        return negativity


class VaderSentiment(Analyzer[Sentiment]):
    """VADER's compound score with its customary ±0.05 neutral band: the lexicon baseline."""

    task = "sentiment"
    name = "vader"
    version = "3.3.2"
    threshold = 0.05

    def load(self) -> None:
        """Read VADER's lexicon."""
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self._vader = SentimentIntensityAnalyzer()

    def analyze_batch(self, texts: Sequence[str]) -> list[Sentiment]:
        """One compound score per text."""
        results = []
        for text in texts:
            compound = float(self._vader.polarity_scores(text)["compound"])
            if compound >= self.threshold:
                label: SentimentLabel = "positive"
            elif compound <= -self.threshold:
                label = "negative"
            else:
                label = "neutral"
            results.append(Sentiment(label, round(compound, 4)))
        return results


class TransformersSentiment(Analyzer[Sentiment]):
    """A Hugging Face classifier through ``transformers.pipeline`` (``transformers`` extra).

    Label names are mapped by meaning (``negative``/``neutral``/``positive``, also ``LABEL_0..2``
    in that order, and two-class models without neutral).
    """

    task = "sentiment"
    name = "transformers"
    batch_size = 32
    max_characters = 2000

    def __init__(self, model: str) -> None:
        """Load ``model``: a Hugging Face name or a local folder."""
        super().__init__()
        self.model = model
        # The model's name is the version, so switching models re-analyses stored messages.
        self.version = model

    def load(self) -> None:
        """Build the pipeline; no network when the model is a local folder."""
        try:
            from transformers import pipeline
        except ImportError:
            raise ConfigError(
                "the transformers sentiment backend needs: pip install 'cspersona[transformers]'"
            ) from None
        self._pipeline: Any = pipeline(
            "text-classification", model=self.model, tokenizer=self.model, top_k=None
        )

    def analyze_batch(self, texts: Sequence[str]) -> list[Sentiment]:
        """Classify in mini-batches; texts without words are neutral without asking the model."""
        results = [NEUTRAL_SENTIMENT] * len(texts)
        positions = [index for index, text in enumerate(texts) if has_words(text)]
        if not positions:
            return results
        outputs = self._pipeline(
            [texts[index][: self.max_characters] for index in positions],
            batch_size=self.batch_size,
            truncation=True,
        )
        probabilities = np.asarray([self._probabilities(output) for output in outputs])
        for index, sentiment in zip(positions, _from_probabilities(probabilities), strict=True):
            results[index] = sentiment
        return results

    @staticmethod
    def _probabilities(output: list[dict[str, Any]]) -> list[float]:
        """Negative, neutral, positive probabilities from one text's label scores."""
        by_label = {str(item["label"]).lower(): float(item["score"]) for item in output}
        if len(by_label) == 2 and not {"neutral", "label_2"} & set(by_label):
            negative = by_label.get("negative", by_label.get("label_0", 0.0))
            positive = by_label.get("positive", by_label.get("label_1", 0.0))
            return [negative, 0.0, positive]
        return [
            by_label.get(label, by_label.get(f"label_{index}", 0.0))
            for index, label in enumerate(LABELS)
        ]
