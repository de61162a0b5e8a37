import re

import numpy as np
import pandas as pd
import pytest

from cspersona.personas import profiles


@pytest.fixture
def book() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "technical_terms_per_100_words": rng.normal(2, 0.5, 60),
            "formality_index": rng.normal(0.5, 0.1, 60),
            "informal_markers_per_100_words": rng.normal(1, 0.2, 60),
            "feature_share_api": rng.normal(0.1, 0.02, 60),
            "topic_share_4_billing_invoice": rng.normal(0.1, 0.02, 60),
            "emotion_frustration_mean": rng.normal(0.2, 0.05, 60),
        }
    )
    frame.loc[:19, "technical_terms_per_100_words"] += 4
    frame.loc[:19, "feature_share_api"] += 0.2
    frame.loc[:19, "informal_markers_per_100_words"] += 1
    frame.loc[20:39, "topic_share_4_billing_invoice"] += 0.3
    frame.loc[20:39, "emotion_frustration_mean"] += 0.3
    return frame


def _members(start: int) -> np.ndarray:
    members = np.zeros(60, dtype=bool)
    members[start : start + 20] = True
    return members


def test_a_technical_group_is_named_and_described_from_its_signals(book: pd.DataFrame) -> None:
    profile = profiles.build_profile(book, _members(0), taken_names=set())

    assert profile.name == "Technical Tom"
    assert profile.naming is not None and profile.naming.because is not None
    assert profile.naming.because.feature in {
        "technical_terms_per_100_words",
        "feature_share_api",
    }
    technical = profile.dimensions["technical_level"]
    assert technical.value == "technical"
    assert technical.confidence > 0.5
    assert {item.feature for item in technical.evidence} >= {"technical_terms_per_100_words"}
    assert profile.dimensions["formality"].value == "casual"
    assert profile.mbti.type[2] == "T"
    assert any(item.metric.startswith("API headroom") for item in profile.success_metrics)


def test_a_billing_group_is_cost_conscious_with_its_triggers_and_pain_points(
    book: pd.DataFrame,
) -> None:
    profile = profiles.build_profile(book, _members(20), taken_names={"Technical Tom"})

    assert profile.name == "Cost-Conscious Carlos"
    assert [item.topic for item in profile.pain_points] == ["billing invoice"]
    assert [item.emotion for item in profile.triggers] == ["frustration"]
    assert profile.top_topics[0].topic == "billing invoice"
    narrative = profiles.narrative(profile)
    assert narrative.startswith("Cost-Conscious Carlos stands for 20 customers")
    assert "billing invoice" in narrative


def test_names_stay_unique_within_a_build(book: pd.DataFrame) -> None:
    first = profiles.build_profile(book, _members(0), taken_names=set()).name
    second = profiles.build_profile(book, _members(0), taken_names={first}).name

    assert second != first
    assert not second.startswith("Technical")


def test_two_personas_never_share_a_first_name() -> None:
    frame = pd.DataFrame({"topic_share_3_invoice_disputes": [0.9, 0.9, 0.1, 0.1]})
    found = profiles.signals(frame, np.array([True, True, False, False]))

    name, _ = profiles.persona_name(found, {"Cautious Carlos"})

    assert name.startswith("Cost-Conscious ") and not name.endswith("Carlos")


def test_a_group_like_the_book_gets_the_fallback_adjective() -> None:
    frame = pd.DataFrame({"reply_hours_median": [1.0, 1.0, 1.0, 1.0]})

    name, naming = profiles.persona_name(
        profiles.signals(frame, np.array([True, True, False, False])), set()
    )

    assert name == "Steady Sam"
    assert naming.because is None


@pytest.mark.parametrize(
    ("feature", "label"),
    [
        ("topic_share_4_billing_invoice", "billing invoice"),
        ("topic_share_12_sso_login_loops", "SSO login loops"),
        ("topic_share_7", "other questions"),
    ],
)
def test_a_topic_feature_reads_as_its_topic_s_name(feature: str, label: str) -> None:
    assert profiles.topic_label(feature) == label


def test_a_feature_that_only_mentions_topics_is_no_topic() -> None:
    assert not profiles.TOPIC_PATTERN.search("ticket_repeat_topic_share")


def test_a_profile_never_cites_a_voice_column_even_when_it_separates_most(
    book: pd.DataFrame,
) -> None:
    voiced = book.assign(voice_1=np.where(_members(0), 5.0, 0.0))

    profile = profiles.build_profile(voiced, _members(0), taken_names=set())

    assert not re.search(r"\bvoice_", profile.model_dump_json())
