"""The words: label distributions, agreement of labels with text, variety, escalations."""

import re
from collections import Counter

import numpy as np

from cspersona.catalogue.models import load_catalogue
from cspersona.synth.evaluation import technical_term_rate
from cspersona.synth.world import CustomerBundle

POSITIVE_EMOTIONS = {"satisfaction", "gratitude"}
NEGATIVE_EMOTIONS = {"frustration", "anger", "confusion", "urgency"}
SCORE = {"negative": -1, "neutral": 0, "positive": 1}


def labelled_messages(bundles: list[CustomerBundle]) -> list[tuple[dict, dict]]:
    return [
        (message, truth)
        for bundle in bundles
        for message, truth in zip(bundle.data["messages"], bundle.truth["messages"], strict=True)
    ]


def conversations(bundles: list[CustomerBundle]) -> list[tuple[dict, list[tuple[dict, dict]]]]:
    found = []
    for bundle in bundles:
        pairs = list(zip(bundle.data["messages"], bundle.truth["messages"], strict=True))
        for truth in bundle.truth["interactions"]:
            turns = [
                pair for pair in pairs if pair[0]["interaction_external_id"] == truth["external_id"]
            ]
            found.append((truth, turns))
    return found


def test_sentiment_splits_20_60_20_within_three_points(bundles: list[CustomerBundle]) -> None:
    counts = Counter(truth["sentiment"] for _, truth in labelled_messages(bundles))
    total = sum(counts.values())

    assert abs(counts["negative"] / total - 0.20) <= 0.03
    assert abs(counts["neutral"] / total - 0.60) <= 0.03
    assert abs(counts["positive"] / total - 0.20) <= 0.03


def test_at_least_95_percent_of_message_texts_are_distinct(bundles: list[CustomerBundle]) -> None:
    texts = [message["text"] for message, _ in labelled_messages(bundles)]

    assert len(set(texts)) / len(texts) >= 0.95


def test_emotions_agree_with_sentiment_and_only_customers_carry_them(
    bundles: list[CustomerBundle],
) -> None:
    for message, truth in labelled_messages(bundles):
        if message["author_role"] != "customer":
            assert truth["emotions"] is None
            continue
        emotions = set(truth["emotions"])
        if truth["sentiment"] == "positive":
            assert emotions and emotions <= POSITIVE_EMOTIONS
        elif truth["sentiment"] == "negative":
            assert emotions and emotions <= NEGATIVE_EMOTIONS
        else:
            assert emotions <= {"confusion", "urgency"}


def test_every_emotion_and_topic_occurs(bundles: list[CustomerBundle]) -> None:
    pairs = labelled_messages(bundles)
    emotions = {emotion for _, truth in pairs for emotion in truth["emotions"] or []}
    topics = {truth["topic"] for _, truth in pairs} - {None}

    assert emotions == POSITIVE_EMOTIONS | NEGATIVE_EMOTIONS
    assert len(topics) == 11


def test_escalations_are_a_visible_crossing_with_a_trigger(bundles: list[CustomerBundle]) -> None:
    escalated = recovered = 0
    for truth, turns in conversations(bundles):
        angry = [
            seq
            for seq, (message, labels) in enumerate(turns)
            if "anger" in (labels["emotions"] or [])
        ]
        if not truth["escalated"]:
            assert not angry and not truth["recovered"]
            continue
        escalated += 1
        seq = truth["escalation_seq"]
        message, labels = turns[seq]
        assert message["author_role"] == "customer" and labels["sentiment"] == "negative"
        assert angry[0] == seq
        later = [
            labels for message, labels in turns[seq + 1 :] if message["author_role"] == "customer"
        ]
        assert truth["recovered"] == any(labels["sentiment"] != "negative" for labels in later)
        recovered += truth["recovered"]
    total = len(conversations(bundles))
    assert 0.03 < escalated / total < 0.2
    assert 0.2 < recovered / escalated < 0.8


def test_helpful_replies_lift_the_next_customer_turn(bundles: list[CustomerBundle]) -> None:
    after: dict[str, list[int]] = {"helpful": [], "unhelpful": []}
    for _, turns in conversations(bundles):
        for (_, labels), following in zip(turns, turns[1:], strict=False):
            quality = labels["reply_quality"]
            if quality and following[0]["author_role"] == "customer":
                after[quality].append(SCORE[following[1]["sentiment"]])

    assert np.mean(after["helpful"]) > np.mean(after["unhelpful"]) + 0.5


def test_staff_replies_are_labelled_with_their_quality(bundles: list[CustomerBundle]) -> None:
    qualities = Counter(
        (message["author_role"], truth["reply_quality"])
        for message, truth in labelled_messages(bundles)
    )

    assert qualities[("customer", "helpful")] == qualities[("customer", "unhelpful")] == 0
    assert qualities[("agent", "helpful")] and qualities[("agent", "unhelpful")]
    assert qualities[("csm", "helpful")] and qualities[("csm", "unhelpful")]


def test_technical_experts_write_most_technically_and_business_users_least(
    bundles: list[CustomerBundle],
) -> None:
    rates: dict[str, list[float]] = {}
    for bundle in bundles:
        texts = [row["text"] for row in bundle.data["messages"] if row["author_role"] == "customer"]
        rates.setdefault(bundle.archetype, []).append(technical_term_rate(texts))
    ranking = sorted(rates, key=lambda archetype: np.mean(rates[archetype]), reverse=True)

    assert ranking[0] == "technical_expert"
    assert ranking[-1] == "business_user"


def test_nps_comments_match_the_score_band(bundles: list[CustomerBundle]) -> None:
    for bundle in bundles:
        for answer, truth in zip(
            bundle.data["nps_responses"], bundle.truth["nps_responses"], strict=True
        ):
            if answer["comment"] is None:
                assert truth["sentiment"] is None
            else:
                band = (
                    "negative"
                    if answer["score"] <= 6
                    else "neutral"
                    if answer["score"] <= 8
                    else "positive"
                )
                assert truth["sentiment"] == band


def test_text_names_the_product_catalogue(bundles: list[CustomerBundle]) -> None:
    catalogue = load_catalogue()
    text = "\n".join(message["text"] for message, _ in labelled_messages(bundles))

    for name in [
        *(feature.name for feature in catalogue.features),
        *catalogue.integrations,
        *catalogue.plans,
        *catalogue.competitors,
    ]:
        assert name in text, f"{name} never mentioned"


def test_messages_look_like_real_email_and_chat(bundles: list[CustomerBundle]) -> None:
    kinds = {
        row["external_id"]: row["type"] for bundle in bundles for row in bundle.data["interactions"]
    }
    pairs = labelled_messages(bundles)
    email = [
        message["text"]
        for message, _ in pairs
        if kinds[message["interaction_external_id"]] == "email"
    ]
    chat = [
        message["text"]
        for message, _ in pairs
        if kinds[message["interaction_external_id"]] == "chat"
        and message["author_role"] == "customer"
    ]
    contact_emails = {row["email"] for bundle in bundles for row in bundle.data["contacts"]}

    assert sum("wrote:" in text or "Original Message" in text for text in email) > len(email) / 10
    assert (
        sum(re.match(r"(Hi|Hello|Dear|Hey|Good)", text) is not None for text in email)
        > len(email) / 2
    )
    assert sum(text == text.lower() for text in chat) > len(chat) / 5
    assert np.mean([len(text) for text in chat]) < np.mean([len(text) for text in email]) / 2
    assert any(address in text for text in email for address in contact_emails)
