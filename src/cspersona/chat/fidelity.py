"""Persona fidelity: does a generated reply read like the persona it claims to be?

A classifier (TF-IDF and logistic regression) learns each persona from its members' real messages;
each engine then holds conversations with a set of CSM probes, and the classifier names the persona
it thinks wrote each reply. Accuracy over all replies is the fidelity, and accuracy at each turn of
long conversations shows whether the persona stays in character.
"""

import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from cspersona.chat.engine import OfflineEngine

# What a CSM says in practice conversations: one or more probes of every kind of move.
CSM_PROBES = (
    "Thanks for taking the time to talk today.",
    "I understand, that sounds really frustrating for your team.",
    "I'm sorry about the trouble this caused.",
    "I can offer a 10% discount if you renew for two years.",
    "We'll add a credit note for the unused seats.",
    "The root cause was a cache bug in the API gateway, fixed in 5.3.1.",
    "The rate limit is 600 requests per minute per tenant; retries use exponential backoff.",
    "You'll have the fix by Friday.",
    "I've escalated this to our engineering lead.",
    "Have you considered the Enterprise plan? It includes advanced reporting.",
    "We're looking into it.",
    "Hopefully soon.",
    "What matters most to your team this quarter?",
    "How are your users finding the new dashboards?",
    "Is there anything else blocking you right now?",
    "Could you tell me more about how you use the exports?",
)


def persona_classifier(
    texts: Sequence[str], labels: Sequence[int], *, random_state: int = 0
) -> Pipeline:
    """A TF-IDF and logistic-regression model of which persona wrote a text."""
    model = make_pipeline(
        TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2, max_features=50_000),
        LogisticRegression(max_iter=2000, C=4.0, random_state=random_state),
    )
    return model.fit(list(texts), list(labels))


@dataclass
class FidelityReport:
    """Fidelity overall, per persona and per turn, with the engines' reply times."""

    accuracy: float
    per_persona: dict[int, float]
    per_turn: list[float]
    replies: int
    reply_ms: list[float] = field(repr=False, default_factory=list)

    def reply_time_percentiles(self) -> dict[str, float]:
        """p50, p95 and p99 of one reply, in milliseconds."""
        values = np.asarray(self.reply_ms)
        return {
            f"p{q}": round(float(np.percentile(values, q)), 2) if len(values) else 0.0
            for q in (50, 95, 99)
        }


def converse(
    engine: OfflineEngine, *, turns: int, rng: random.Random, probes: Sequence[str] = CSM_PROBES
) -> tuple[list[str], list[float]]:
    """One conversation of ``turns`` CSM probes in random order: the replies and their times."""
    state = engine.start()
    replies: list[str] = []
    timings: list[float] = []
    for _ in range(turns):
        message = rng.choice(probes)
        started = time.perf_counter()
        reply = engine.respond(state, message)
        timings.append((time.perf_counter() - started) * 1000)
        state = reply.state
        replies.append(reply.text)
    return replies, timings


def measure_fidelity(
    engines: Mapping[int, OfflineEngine],
    classifier: Pipeline,
    *,
    replies_per_persona: int = 200,
    turns: int = 20,
    seed: int = 0,
) -> FidelityReport:
    """Generate ``replies_per_persona`` replies per persona in conversations and score them."""
    rng = random.Random(seed)
    conversations = max(1, replies_per_persona // turns)
    hits_by_turn = np.zeros(turns)
    counts_by_turn = np.zeros(turns)
    per_persona: dict[int, float] = {}
    reply_ms: list[float] = []
    for persona_id, engine in sorted(engines.items()):
        hits = 0
        total = 0
        for _ in range(conversations):
            texts, timings = converse(engine, turns=turns, rng=rng)
            reply_ms.extend(timings)
            correct = np.asarray(classifier.predict(texts)) == persona_id
            hits_by_turn += correct
            counts_by_turn += 1
            hits += int(correct.sum())
            total += len(texts)
        per_persona[persona_id] = round(hits / total, 4)
    replies = int(counts_by_turn.sum())
    return FidelityReport(
        accuracy=round(float(hits_by_turn.sum() / replies), 4),
        per_persona=per_persona,
        per_turn=[round(float(value), 4) for value in hits_by_turn / counts_by_turn],
        replies=replies,
        reply_ms=reply_ms,
    )
