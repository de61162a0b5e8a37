"""Voice-of-customer fidelity on small constructed books where the answer is known."""

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from cspersona.personas.fidelity import BOOK, held_out, mood, nps_group, persona_fidelity
from cspersona.personas.voc import CustomerVoice

START = datetime(2025, 1, 1, tzinfo=UTC)
CONVERSATIONS = 5


def voice(said: dict[int, list[tuple[int, float, int]]]) -> CustomerVoice:
    """Per customer, each conversation's (topic, sentiment, NPS score), one a week."""
    messages, nps = [], []
    for customer_id, conversations in said.items():
        for week, (topic, sentiment, score) in enumerate(conversations):
            at = START + timedelta(weeks=week)
            interaction_id = customer_id * 100 + week
            messages.append((customer_id, interaction_id, at, float(topic), sentiment))
            nps.append((customer_id, float(score), at))
    return CustomerVoice(
        messages=pd.DataFrame(
            messages,
            columns=["customer_id", "interaction_id", "started_at", "topic", "sentiment_score"],
        ),
        nps=pd.DataFrame(nps, columns=["customer_id", "score", "answered_at"]),
    )


def steady(topic: int, sentiment: float, score: int) -> list[tuple[int, float, int]]:
    """A customer who says the same in every conversation."""
    return [(topic, sentiment, score)] * CONVERSATIONS


def test_buckets_read_as_nps_groups_and_moods() -> None:
    assert [nps_group(score) for score in (10, 9, 8, 7, 6, 0)] == [
        "promoter", "promoter", "passive", "passive", "detractor", "detractor",
    ]  # fmt: skip
    assert [mood(score) for score in (0.5, 0.1, -0.1, -0.5)] == [
        "positive", "neutral", "neutral", "negative",
    ]  # fmt: skip


def test_the_latest_fifth_is_held_out_and_a_single_answer_never() -> None:
    times = pd.Series(
        [START + timedelta(days=day) for day in [*range(10), 3, 0]],
        index=[1] * 10 + [1, 2],
    )

    late = held_out(times)

    assert late[1].tolist() == [False] * 8 + [True, True, False]  # the newest 2 of 10 days
    assert not late[2]


def test_a_persona_whose_members_all_say_the_same_scores_about_one() -> None:
    alike = {customer: steady(3, 0.6, 10) for customer in range(1, 6)}
    scattered = {
        customer: steady(customer, sentiment, score)
        for customer, sentiment, score in (
            (6, 0.6, 2), (7, -0.6, 8), (8, 0.0, 10), (9, -0.6, 3), (10, 0.6, 7),
        )
    }  # fmt: skip
    membership = pd.Series([0] * 5 + [1] * 5, index=range(1, 11))

    result = persona_fidelity(voice(alike | scattered), membership)

    assert result[0].normalised == pytest.approx(1.0)
    assert result[0].members_with_history == 5
    assert {item.target: item.self_accuracy for item in result[1].targets}["topic"] == 1.0
    topic = {item.target: item for item in result[1].targets}["topic"]
    assert topic.persona_accuracy == 0.0 and topic.normalised == 0.0
    assert result[1].normalised is not None and result[1].normalised < 0.5
    assert result[BOOK].members_with_history == 10


def test_a_member_is_left_out_of_its_own_persona_prediction() -> None:
    # Two members who each always talk about their own topic: with itself counted, each member's
    # own answer would tie with its peer's and be predicted half the time.
    membership = pd.Series([0, 0, 1, 1], index=[1, 2, 3, 4])
    said = {1: steady(1, 0.6, 10), 2: steady(2, 0.6, 10)}
    said |= {3: steady(5, -0.6, 0), 4: steady(5, -0.6, 0)}

    result = persona_fidelity(voice(said), membership)

    topic = {item.target: item for item in result[0].targets}["topic"]
    assert (topic.persona_accuracy, topic.self_accuracy, topic.members) == (0.0, 1.0, 2)
    assert result[1].normalised == pytest.approx(1.0)


def test_customers_without_earlier_history_are_not_scored() -> None:
    said = {1: steady(1, 0.6, 10), 2: steady(1, 0.6, 10), 3: [(1, 0.6, 10)]}

    result = persona_fidelity(voice(said), pd.Series([0, 0, 0], index=[1, 2, 3]))

    assert result[0].members_with_history == 2
    assert all(item.members == 2 for item in result[0].targets)
