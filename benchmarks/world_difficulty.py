"""How hard a synthetic world is to segment from crude features, read straight from its files.

Independent of the product's pipeline: no ingestion, no NLP, no analytics. Per customer, from the
dataset folder's JSONL files:

- interactions of each type (ticket, email, chat...), customer messages, their mean length in
  characters and in words, the share of them holding a question mark;
- mean daily active users, logins and events, the share of days with any event, and each
  product feature's share of the feature-adoption counts;
- NPS answers and their mean score.

Two figures judge the world (``truth/customers.jsonl`` holds each customer's archetype):

- ``best_single_feature_accuracy``: for each crude feature alone, a decision tree on that one
  feature with at most as many leaves as there are archetypes (the feature cut into intervals,
  each labelled with its most frequent archetype), scored by 5-fold cross-validated accuracy;
  the best feature's accuracy (and its name). With 5 balanced archetypes, chance is 0.2.
- ``naive_kmeans_ari``: k-means with k = the true number of archetypes on every crude feature,
  median-imputed and standardised, against the truth (adjusted Rand index).

A world that got easier would raise them; the personas stage must beat them by far.
"""

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.impute import SimpleImputer
from sklearn.metrics import adjusted_rand_score
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

FOLDS = 5


def _read(path: Path) -> pd.DataFrame:
    """One JSONL file as a frame."""
    return pd.read_json(path, lines=True, dtype=False)


def truth_archetypes(world: Path) -> pd.Series:
    """Customer external id -> true archetype."""
    truth = _read(world / "truth" / "customers.jsonl")
    return truth.set_index("external_id")["archetype"]


def _message_features(world: Path) -> pd.DataFrame:
    """Counts, lengths and question share of each customer's own messages."""
    interactions = _read(world / "interactions.jsonl")[["external_id", "customer_external_id"]]
    messages = _read(world / "messages.jsonl")
    own = messages[messages["author_role"] == "customer"].merge(
        interactions, left_on="interaction_external_id", right_on="external_id"
    )
    text = own["text"].fillna("").astype(str)
    own = own.assign(
        characters=text.str.len(),
        words=text.str.split().str.len(),
        question=text.str.contains("?", regex=False).astype(float),
    )
    return own.groupby("customer_external_id").agg(
        customer_messages=("characters", "size"),
        message_characters=("characters", "mean"),
        message_words=("words", "mean"),
        question_share=("question", "mean"),
    )


def _interaction_features(world: Path) -> pd.DataFrame:
    """Interactions of each type per customer."""
    interactions = _read(world / "interactions.jsonl")
    counts = pd.crosstab(interactions["customer_external_id"], interactions["type"])
    return counts.add_suffix("_count")


def _usage_features(world: Path) -> pd.DataFrame:
    """Mean daily active users, logins and events, active days, each feature's share of use."""
    usage = _read(world / "usage_daily.jsonl")
    daily = usage[["customer_external_id", "active_users", "logins", "events"]]
    daily = daily.assign(active_day=(daily["events"] > 0).astype(float))
    means = daily.groupby("customer_external_id").mean().add_prefix("usage_")
    adoption = pd.DataFrame(usage["feature_adoption"].tolist(), index=usage.index).fillna(0.0)
    totals = adoption.groupby(usage["customer_external_id"]).sum()
    shares = totals.div(totals.sum(axis=1).replace(0.0, np.nan), axis=0)
    return means.join(shares.add_prefix("feature_share_"))


def _nps_features(world: Path) -> pd.DataFrame:
    """NPS answers and their mean score per customer."""
    nps = _read(world / "nps_responses.jsonl")
    return nps.groupby("customer_external_id").agg(
        nps_answers=("score", "size"), nps_mean=("score", "mean")
    )


def crude_features(world: Path) -> pd.DataFrame:
    """Every crude per-customer feature of the module docstring, one row per customer."""
    customers = _read(world / "customers.jsonl").set_index("external_id")
    parts = [
        _message_features(world),
        _interaction_features(world),
        _usage_features(world),
        _nps_features(world),
    ]
    frame = pd.concat(parts, axis=1).reindex(customers.index)
    count_columns = [c for c in frame.columns if c.endswith(("_count", "_messages", "_answers"))]
    frame[count_columns] = frame[count_columns].fillna(0.0)
    return frame.astype(float)


def best_single_feature(frame: pd.DataFrame, truth: pd.Series) -> tuple[str, float]:
    """The crude feature that alone identifies the archetype best, and its CV accuracy."""
    labels = truth.reindex(frame.index).to_numpy()
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=0)
    scores = {}
    for column in frame.columns:
        model = make_pipeline(
            SimpleImputer(strategy="median"),
            DecisionTreeClassifier(max_leaf_nodes=len(set(labels)), random_state=0),
        )
        values = frame[[column]].to_numpy()
        scores[column] = float(cross_val_score(model, values, labels, cv=folds).mean())
    best = max(scores, key=lambda column: scores[column])
    return best, scores[best]


def naive_kmeans_ari(frame: pd.DataFrame, truth: pd.Series) -> float:
    """ARI of k-means (k = true number of archetypes) on the standardised crude features."""
    labels = truth.reindex(frame.index).to_numpy()
    values = make_pipeline(SimpleImputer(strategy="median"), StandardScaler()).fit_transform(frame)
    clusters = KMeans(n_clusters=len(set(labels)), n_init=10, random_state=0).fit_predict(values)
    return float(adjusted_rand_score(labels, clusters))


def difficulty(world: Path) -> dict[str, object]:
    """The world's raw-feature difficulty figures (see the module docstring)."""
    truth = truth_archetypes(world)
    frame = crude_features(world)
    feature, accuracy = best_single_feature(frame, truth)
    return {
        "best_single_feature": feature,
        "best_single_feature_accuracy": round(accuracy, 4),
        "naive_kmeans_ari": round(naive_kmeans_ari(frame, truth), 4),
        "archetypes": int(truth.nunique()),
        "chance_accuracy": round(float(np.max(truth.value_counts(normalize=True))), 4),
    }
