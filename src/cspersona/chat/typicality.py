"""How typical a sentence is of one persona against everyone else: weighted log-odds of words.

Words are compared between the persona's members and the other customers with the log-odds ratio
and an informative Dirichlet prior (Monroe, Colaresi and Quinn, "Fightin' Words", 2008), so rare
words do not dominate. A sentence's typicality is the mean z-score of its words, as a percentile
in [0, 1]; the engine prefers typical sentences, which keeps replies in the persona's voice.
"""

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

_WORD = re.compile(r"[a-z][a-z0-9'_-]+|\d+(?:\.\d+)*")


def words(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return _WORD.findall(text.lower())


def word_z_scores(
    own: Sequence[str], others: Sequence[str], prior: float = 0.01
) -> dict[str, float]:
    """z-scores of each word's log-odds of being used by ``own`` rather than ``others``."""
    mine = Counter(word for text in own for word in words(text))
    theirs = Counter(word for text in others for word in words(text))
    total = mine + theirs
    vocabulary_size = sum(total.values())
    if not mine or not theirs or not vocabulary_size:
        return {}
    alpha_total = prior * vocabulary_size
    mine_total, theirs_total = sum(mine.values()), sum(theirs.values())
    scores: dict[str, float] = {}
    for word, count in total.items():
        alpha = prior * count
        y, r = mine[word], theirs[word]
        delta = np.log((y + alpha) / (mine_total + alpha_total - y - alpha)) - np.log(
            (r + alpha) / (theirs_total + alpha_total - r - alpha)
        )
        variance = 1 / (y + alpha) + 1 / (r + alpha)
        scores[word] = float(delta / np.sqrt(variance))
    return scores


def typicality(sentences: Sequence[str], z_scores: dict[str, float]) -> np.ndarray:
    """Each sentence's mean word z-score as a percentile rank in [0, 1] (0.5 when unknown)."""
    if not sentences:
        return np.zeros(0)
    if not z_scores:
        return np.full(len(sentences), 0.5)
    means = np.array(
        [
            float(np.mean([np.clip(z_scores.get(word, 0.0), -4, 4) for word in tokens]))
            if (tokens := words(sentence))
            else 0.0
            for sentence in sentences
        ]
    )
    order = means.argsort(kind="stable")
    ranks = np.empty(len(means))
    ranks[order] = np.arange(len(means))
    return ranks / max(1, len(means) - 1)
