"""Customer-success emotions in [0, 1].

Frustration, anger, confusion, urgency, satisfaction and gratitude.

The linear heads are trained on GoEmotions through the mapping in :data:`GOEMOTIONS_MAPPING`
(and on the synthetic world's labelled messages); urgency also rises on explicit cues.
"""

import re
from collections.abc import Sequence

from cspersona.nlp.cleaning import has_words
from cspersona.nlp.registry import Analyzer
from cspersona.nlp.textmodels import load_text_model

EMOTIONS = ("frustration", "anger", "confusion", "urgency", "satisfaction", "gratitude")
# Which GoEmotions labels stand for each of our emotions (documented in docs/nlp.md).
GOEMOTIONS_MAPPING: dict[str, tuple[str, ...]] = {
    "frustration": ("annoyance", "disappointment"),
    "anger": ("anger", "disgust"),
    "confusion": ("confusion",),
    "urgency": ("nervousness", "fear"),
    "satisfaction": ("approval", "joy", "relief", "admiration"),
    "gratitude": ("gratitude",),
}
URGENCY_CUES = re.compile(
    r"\b(asap|urgent(ly)?|emergency|immediately|right away|critical|blocker|blocking|"
    r"deadline|by (today|tomorrow|eod|end of (the )?day|monday|friday)|today|tonight|"
    r"outage|is down|are down|went down|production|prod|sev ?[12]|p[01]\b|escalat\w*|"
    r"as soon as possible|time.sensitive|can'?t wait|losing (money|revenue|customers))\b",
    re.IGNORECASE,
)
CUE_SCORE = 0.85
NO_EMOTIONS = dict.fromkeys(EMOTIONS, 0.0)


def urgency_cue_score(text: str) -> float:
    """``CUE_SCORE`` (a little more per extra cue) for a text with urgency cues, else 0."""
    cues = len(URGENCY_CUES.findall(text))
    return 0.0 if cues == 0 else min(1.0, CUE_SCORE + 0.05 * (cues - 1))


class LinearEmotions(Analyzer[dict[str, float]]):
    """One logistic head per emotion on the packaged model's features, urgency cues on top."""

    task = "emotions"
    name = "linear"
    version = "2"

    def load(self) -> None:
        """Read the packaged model."""
        self._model = load_text_model()

    def analyze_batch(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Probabilities per emotion; empty texts feel nothing."""
        if not texts:
            return []
        features = self._model.transform(texts)
        columns = {
            emotion: self._model.emotions[emotion].predict_proba(features)[:, 1]
            for emotion in EMOTIONS
        }
        results = []
        for index, text in enumerate(texts):
            if not has_words(text):
                results.append(dict(NO_EMOTIONS))
                continue
            scores = {emotion: round(float(columns[emotion][index]), 4) for emotion in EMOTIONS}
            scores["urgency"] = max(scores["urgency"], urgency_cue_score(text))
            results.append(scores)
        return results
