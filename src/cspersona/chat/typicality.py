"""How typical a sentence is of one persona: the chance a reader would say this persona wrote it.

A logistic regression on TF-IDF words and word pairs learns the persona's members' messages
against other customers' messages. Applied to one sentence, its probability says whether the
sentence, on its own, reads as this persona speaking. The engine prefers such sentences: a
sentence any customer could have written keeps the conversation on topic but not in character.
"""

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

# Unknown: no contrast to learn from (a single persona, or no messages).
UNKNOWN = 0.5


def typicality(sentences: Sequence[str], own: Sequence[str], others: Sequence[str]) -> np.ndarray:
    """Each sentence's probability in [0, 1] of being the persona's rather than another's."""
    if not sentences:
        return np.zeros(0)
    if not own or not others:
        return np.full(len(sentences), UNKNOWN)
    model = make_pipeline(
        TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2, max_features=50_000),
        LogisticRegression(max_iter=1000, C=4.0, class_weight="balanced"),
    )
    model.fit([*own, *others], [1] * len(own) + [0] * len(others))
    return np.asarray(model.predict_proba(list(sentences))[:, 1])
