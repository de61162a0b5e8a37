"""Can later stages learn what the synthetic world plants? One JSON line per question.

Generates a training world and a fresh test world (different seeds) and measures, from the
observable data only (except where a line says it stands in for the NLP stage with truth labels):

- churn: 90-day churn ROC-AUC of a logistic regression on usage trend alone and on every signal
  (usage trend, open and recent tickets, sentiment, NPS, champion silence), the sentiment signal
  both exact and with 30% of labels scrambled (an imperfect NLP model);
- personas: k-means on customer-level features of the test world against the true archetypes
  (one-to-one accuracy, ARI), per feature group too, and how well single customer messages
  reveal their archetype (the per-message task should be hard, the per-customer one easy);
- sophistication: technical-vocabulary rate per archetype (Technical Expert first, Business User
  last);
- escalations: precision and recall of a naive phrase-cue detector against the truth;
- text: sentiment split and share of distinct message texts.

    .venv/bin/python benchmarks/bench_world_signals.py [--scale 1] [--seeds 11 12]
"""

import argparse
import json
import random
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA, TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, adjusted_rand_score, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from cspersona.catalogue.models import load_catalogue
from cspersona.synth.evaluation import (
    FEATURES,
    SnapshotCollector,
    Snapshots,
    technical_term_rate,
)
from cspersona.synth.world import CustomerBundle, World

SENTIMENT_NOISE = 0.3
ESCALATION_CUES = re.compile(
    r"escalat|unacceptable|ridiculous|furious|extremely unhappy|head of support|ciso|"
    r"speak to your manager|product leadership|on-call|reconsider our contract|cancelling|"
    r"refund for every|someone senior",
    re.IGNORECASE,
)
TICKET_CHANNELS = ("web", "email", "slack", "api")
CHAT_CHANNELS = ("in_app", "slack", "teams")
PRIORITIES = ("urgent", "high", "normal", "low")
SCORES = {"negative": -1.0, "neutral": 0.0, "positive": 1.0}


@dataclass
class Observed:
    """What one pass over a world collects besides its churn snapshots."""

    archetypes: list[str] = field(default_factory=list)
    numeric: list[list[float]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    messages: list[tuple[str, str]] = field(default_factory=list)
    technical_rate: list[float] = field(default_factory=list)
    sentiments: Counter[str] = field(default_factory=Counter)
    distinct: set[str] = field(default_factory=set)
    message_count: int = 0
    detected: int = 0
    detected_right: int = 0
    escalations: int = 0


def scramble(bundle: CustomerBundle, rng: random.Random, share: float) -> None:
    """Replace a share of message sentiment labels with a wrong one (an imperfect NLP model)."""
    for row in bundle.truth["messages"]:
        if rng.random() < share:
            row["sentiment"] = rng.choice([s for s in SCORES if s != row["sentiment"]])


def observe(world: World) -> tuple[Observed, Snapshots, Snapshots]:
    """One pass over a world: customer observables and churn snapshots.

    Snapshots come twice, with exact and with scrambled sentiment labels; the customer profile
    sees the scrambled ones.
    """
    observed = Observed()
    window = (world.window_start, world.window_end)
    exact, noisy = SnapshotCollector(window=window), SnapshotCollector(window=window)
    rng = random.Random(world.seed)
    for bundle in world.customers():
        _record_text(bundle, observed)
        exact.add(bundle)
        scramble(bundle, rng, SENTIMENT_NOISE)
        noisy.add(bundle)
        observed.archetypes.append(bundle.archetype)
        observed.numeric.append(_numeric_profile(bundle, world.catalogue.feature_keys))
    return observed, exact.snapshots(), noisy.snapshots()


def _record_text(bundle: CustomerBundle, observed: Observed) -> None:
    data, truth = bundle.data, bundle.truth
    sentiment = {row["external_id"]: row["sentiment"] for row in truth["messages"]}
    escalation_at = {
        row["external_id"]: row["escalation_seq"]
        for row in truth["interactions"]
        if row["escalated"]
    }
    observed.escalations += len(escalation_at)
    flagged: set[str] = set()
    customer_texts = []
    for row in data["messages"]:
        observed.message_count += 1
        observed.distinct.add(row["text"])
        observed.sentiments[sentiment[row["external_id"]]] += 1
        if row["author_role"] != "customer":
            continue
        customer_texts.append(row["text"])
        observed.messages.append((row["text"], bundle.archetype))
        interaction = row["interaction_external_id"]
        if interaction not in flagged and ESCALATION_CUES.search(row["text"]):
            flagged.add(interaction)
            observed.detected += 1
            observed.detected_right += escalation_at.get(interaction) == row["seq"]
    observed.technical_rate.append(technical_term_rate(customer_texts))
    observed.texts.append("\n".join(customer_texts))


def _numeric_profile(bundle: CustomerBundle, feature_keys: list[str]) -> list[float]:
    """Customer-level communication, channel, support, sentiment, NPS and usage features."""
    data, truth = bundle.data, bundle.truth
    sentiment = {row["external_id"]: SCORES[row["sentiment"]] for row in truth["messages"]}
    own = [row for row in data["messages"] if row["author_role"] == "customer"]
    texts = [row["text"] for row in own] or [""]
    interactions = data["interactions"]
    kinds = Counter(row["type"] for row in interactions)
    tickets = Counter(row["channel"] for row in interactions if row["type"] == "ticket")
    chats = Counter(row["channel"] for row in interactions if row["type"] == "chat")
    priorities = Counter(row["priority"] for row in interactions if row["type"] == "ticket")
    usage = data["usage_daily"]
    adoption: Counter[str] = Counter()
    for row in usage:
        adoption.update(row["feature_adoption"])
    active = np.array([row["active_users"] for row in usage] or [0])
    scores = [row["score"] for row in data["nps_responses"]] or [7]
    total = max(len(interactions), 1)
    return [
        float(np.mean([len(text.split()) for text in texts])),
        float(np.mean(["!" in text for text in texts])),
        float(np.mean([text[:1].islower() for text in texts])),
        *(kinds[kind] / total for kind in ("ticket", "email", "chat")),
        float(len(interactions)),
        *(tickets[channel] / max(sum(tickets.values()), 1) for channel in TICKET_CHANNELS),
        *(chats[channel] / max(sum(chats.values()), 1) for channel in CHAT_CHANNELS),
        *(priorities[name] / max(sum(priorities.values()), 1) for name in PRIORITIES),
        float(np.mean([sentiment[row["external_id"]] for row in own] or [0.0])),
        float(np.mean(scores)),
        float(np.log1p(active.mean())),
        *(adoption[key] / max(sum(adoption.values()), 1) for key in feature_keys),
    ]


def churn_auc(train: Snapshots, test: Snapshots, names: tuple[str, ...]) -> float:
    """ROC-AUC on the test world of a logistic regression fitted on the training world."""
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    model.fit(train.matrix(names), train.churned)
    return float(roc_auc_score(test.churned, model.predict_proba(test.matrix(names))[:, 1]))


def cluster_scores(matrix: np.ndarray, truth: list[str]) -> tuple[float, float]:
    """One-to-one accuracy (Hungarian matching) and ARI of k-means against the archetypes."""
    reduced = PCA(n_components=0.9, random_state=0).fit_transform(
        StandardScaler().fit_transform(matrix)
    )
    keys = sorted(set(truth))
    predicted = KMeans(len(keys), n_init=20, random_state=0).fit_predict(reduced)
    actual = np.array([keys.index(name) for name in truth])
    counts = np.zeros((len(keys), len(keys)))
    for guess, right in zip(predicted, actual, strict=True):
        counts[guess, right] += 1
    rows, columns = linear_sum_assignment(-counts)
    accuracy = counts[rows, columns].sum() / len(actual)
    return round(float(accuracy), 3), round(float(adjusted_rand_score(actual, predicted)), 3)


def main() -> None:
    """Generate both worlds, measure, print one JSON line per question."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seeds", type=int, nargs=2, default=[11, 12])
    arguments = parser.parse_args()
    catalogue = load_catalogue()
    seen_train, train, noisy_train = observe(
        World(seed=arguments.seeds[0], scale=arguments.scale, catalogue=catalogue)
    )
    seen_test, test, noisy_test = observe(
        World(seed=arguments.seeds[1], scale=arguments.scale, catalogue=catalogue)
    )
    print(
        json.dumps(
            {
                "benchmark": "world_signals.churn_90d",
                "scale": arguments.scale,
                "seeds": arguments.seeds,
                "test_snapshots": len(test.churned),
                "test_positives": int(test.churned.sum()),
                "auc_usage_trend_only": round(churn_auc(train, test, ("usage_trend",)), 3),
                "auc_all_signals": round(churn_auc(train, test, FEATURES), 3),
                "auc_all_signals_noisy_sentiment": round(
                    churn_auc(noisy_train, noisy_test, FEATURES), 3
                ),
                "auc_per_signal": {
                    name: round(churn_auc(train, test, (name,)), 3) for name in FEATURES
                },
            }
        )
    )

    numeric = np.array(seen_test.numeric)
    text = TruncatedSVD(12, random_state=0).fit_transform(
        TfidfVectorizer(sublinear_tf=True, min_df=2).fit_transform(seen_test.texts)
    )
    usage_columns = len(catalogue.feature_keys)
    groups = {
        "all": np.hstack([numeric, text]),
        "text_only": text,
        "numeric_only": numeric,
        "usage_mix_only": numeric[:, -usage_columns:],
    }
    message_texts, message_labels = zip(*seen_train.messages, strict=True)
    test_texts, test_labels = zip(*seen_test.messages, strict=True)
    per_message = make_pipeline(
        TfidfVectorizer(sublinear_tf=True, min_df=2), LogisticRegression(max_iter=1000)
    ).fit(message_texts, message_labels)
    print(
        json.dumps(
            {
                "benchmark": "world_signals.personas",
                "customers": len(seen_test.archetypes),
                "kmeans_accuracy_ari": {
                    name: cluster_scores(matrix, seen_test.archetypes)
                    for name, matrix in groups.items()
                },
                "single_message_archetype_accuracy": round(
                    float(accuracy_score(test_labels, per_message.predict(test_texts))), 3
                ),
            }
        )
    )

    rates: dict[str, list[float]] = {}
    for archetype, rate in zip(seen_test.archetypes, seen_test.technical_rate, strict=True):
        rates.setdefault(archetype, []).append(rate)
    ranking = sorted(rates, key=lambda name: -float(np.mean(rates[name])))
    print(
        json.dumps(
            {
                "benchmark": "world_signals.sophistication",
                "technical_terms_per_word": {
                    name: round(float(np.mean(rates[name])), 4) for name in ranking
                },
                "technical_expert_first": ranking[0] == "technical_expert",
                "business_user_last": ranking[-1] == "business_user",
            }
        )
    )
    total = sum(seen_test.sentiments.values())
    print(
        json.dumps(
            {
                "benchmark": "world_signals.text",
                "escalations": seen_test.escalations,
                "cue_detector_precision": round(
                    seen_test.detected_right / max(seen_test.detected, 1), 3
                ),
                "cue_detector_recall": round(
                    seen_test.detected_right / max(seen_test.escalations, 1), 3
                ),
                "sentiment_split": {
                    name: round(seen_test.sentiments[name] / total, 3) for name in SCORES
                },
                "distinct_message_share": round(
                    len(seen_test.distinct) / seen_test.message_count, 4
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
