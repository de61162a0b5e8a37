"""Build ``nlp/data/linear.joblib`` from permissively licensed data, reproducibly.

Training data: GoEmotions (Google, CC BY 4.0) sentiment groups and emotion labels mapped to ours,
the customer-service sentences in :mod:`phrases`, and messages of a synthetic world generated with
its own seed (never the seed tests use), labelled from the world's truth. The airline tweets are
never read here: they only measure the result (``benchmarks/bench_nlp.py``).
"""

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from cspersona.catalogue.models import load_catalogue
from cspersona.nlp.cleaning import clean_text
from cspersona.nlp.emotions import EMOTIONS, GOEMOTIONS_MAPPING
from cspersona.nlp.textmodels import LinearTextModel, text_features, without_mentions
from cspersona.nlp.training.phrases import customer_service_examples
from cspersona.synth.world import World

TRAINING_WORLD_SEED = 2024
TRAINING_WORLD_SCALE = 0.3
GOEMOTIONS_SENTIMENT = {"1": "negative", "2": "neutral", "3": "positive"}


@dataclass
class Example:
    """A training text with its sentiment (or None) and its emotions (or None when unknown)."""

    text: str
    sentiment: str | None
    emotions: frozenset[str] | None


def _tsv_rows(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)


def goemotions_examples(folder: Path, split: str = "train") -> list[Example]:
    """GoEmotions rows with their sentiment group and their emotions under our mapping."""
    names = (folder / "goemotions-labels.txt").read_text(encoding="utf-8").split()
    sentiments = {
        row[2]: GOEMOTIONS_SENTIMENT.get(row[1])
        for row in _tsv_rows(folder / f"goemotions-sentiment-{split}.tsv")
    }
    examples = []
    for text, label_ids, comment_id in _tsv_rows(folder / f"goemotions-{split}.tsv"):
        labels = {names[int(label)] for label in label_ids.split(",")}
        ours = frozenset(
            emotion
            for emotion, sources in GOEMOTIONS_MAPPING.items()
            if labels.intersection(sources)
        )
        examples.append(Example(text, sentiments.get(comment_id), ours))
    return examples


def world_examples(
    *, seed: int = TRAINING_WORLD_SEED, scale: float = TRAINING_WORLD_SCALE
) -> list[Example]:
    """Customer messages of a synthetic world, labelled with its truth."""
    world = World(seed=seed, scale=scale, catalogue=load_catalogue())
    examples = []
    for customer in world.plan():
        bundle = world.build(customer)
        truth = {row["external_id"]: row for row in bundle.truth.get("messages", [])}
        for message in bundle.data.get("messages", []):
            label = truth.get(message["external_id"])
            if message["author_role"] != "customer" or label is None:
                continue
            emotions = label.get("emotions")
            examples.append(
                Example(
                    message["text"],
                    label.get("sentiment"),
                    frozenset(emotions) if emotions is not None else None,
                )
            )
    return examples


def phrase_examples() -> list[Example]:
    """The customer-service sentences; their emotions are unknown."""
    return [Example(text, label, None) for text, label in customer_service_examples()]


def fit_model(examples: list[Example], *, seed: int = 13) -> LinearTextModel:
    """Fit the shared features and every head on ``examples``."""
    random.Random(seed).shuffle(examples)
    texts = [without_mentions(clean_text(example.text)) for example in examples]
    features = text_features()
    matrix = features.fit_transform(texts)
    labelled = [index for index, example in enumerate(examples) if example.sentiment]
    sentiment = LogisticRegression(C=1.0, max_iter=3000, class_weight="balanced")
    sentiment.fit(matrix[labelled], [examples[index].sentiment for index in labelled])
    known = [index for index, example in enumerate(examples) if example.emotions is not None]
    heads = {}
    for emotion in EMOTIONS:
        target = np.asarray([emotion in (examples[index].emotions or ()) for index in known])
        head = LogisticRegression(C=1.0, max_iter=3000, class_weight="balanced")
        heads[emotion] = head.fit(matrix[known], target)
    metadata = {
        "examples": len(examples),
        "sentiment_examples": len(labelled),
        "emotion_examples": len(known),
        "training_world_seed": TRAINING_WORLD_SEED,
    }
    return LinearTextModel(
        features=features, sentiment=sentiment, emotions=heads, metadata=metadata
    )


# banking77 intents that are a customer's problem (a complaint, in support terms); the other
# intents are questions and requests, labelled neutral.
BANKING77_PROBLEMS = frozenset(
    """Refund_not_showing_up balance_not_updated_after_bank_transfer
    balance_not_updated_after_cheque_or_cash_deposit beneficiary_not_allowed card_not_working
    card_payment_not_recognised card_payment_wrong_exchange_rate card_swallowed
    cash_withdrawal_not_recognised compromised_card contactless_not_working declined_card_payment
    declined_cash_withdrawal declined_transfer direct_debit_payment_not_recognised
    extra_charge_on_statement failed_transfer lost_or_stolen_card lost_or_stolen_phone
    pending_card_payment pending_cash_withdrawal pending_top_up pending_transfer pin_blocked
    reverted_card_payment? top_up_failed top_up_reverted transaction_charged_twice
    transfer_not_received_by_recipient unable_to_verify_identity virtual_card_not_working
    wrong_amount_of_cash_received wrong_exchange_rate_for_cash_withdrawal""".split()
)


def banking77_examples(path: Path) -> list[Example]:
    """banking77 (PolyAI, CC BY 4.0) training queries: problems negative, questions neutral."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Example(
                row["text"],
                "negative" if row["category"] in BANKING77_PROBLEMS else "neutral",
                None,
            )
            for row in csv.DictReader(handle)
        ]
