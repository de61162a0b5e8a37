from typing import Any

import numpy as np
import pandas as pd
import pytest

from cspersona.db.documents import json_ready
from cspersona.personas import profiles
from cspersona.personas.profile_schema import (
    BookShare,
    CommunicationStyle,
    PersonaProfile,
    Quote,
    RiskFactors,
)

PROFILE_KEYS = [
    "name",
    "naming",
    "customers",
    "dimensions",
    "mbti",
    "triggers",
    "pain_points",
    "success_metrics",
    "top_topics",
    "distinguishing",
]
EVIDENCE_KEYS = {"feature", "persona_mean", "book_mean", "z"}


@pytest.fixture
def built_profile() -> PersonaProfile:
    rng = np.random.default_rng(5)
    frame = pd.DataFrame(
        {
            "technical_terms_per_100_words": rng.normal(2, 0.5, 40),
            "topic_share_4_billing_invoice": rng.normal(0.1, 0.02, 40),
            "emotion_frustration_mean": rng.normal(0.2, 0.05, 40),
            "feature_share_api": rng.normal(0.1, 0.02, 40),
        }
    )
    frame.loc[:19, ["topic_share_4_billing_invoice", "emotion_frustration_mean"]] += 0.3
    frame.loc[:19, "feature_share_api"] += 0.2
    members = np.arange(40) < 20
    return profiles.build_profile(frame, members, taken_names=set())


def test_a_built_profile_stores_the_documented_keys(built_profile: PersonaProfile) -> None:
    stored = built_profile.document()

    assert list(stored) == PROFILE_KEYS
    assert set(stored["naming"]) == {"adjective", "because"}
    for dimension in stored["dimensions"].values():
        assert set(dimension) == {"title", "value", "score", "confidence", "evidence"}
        assert all(set(item) == EVIDENCE_KEYS | {"points_to"} for item in dimension["evidence"])
    assert set(stored["mbti"]) == {"type", "axes"}
    assert all(
        set(axis) == {"axis", "letter", "meaning", "score", "confidence", "evidence"}
        for axis in stored["mbti"]["axes"]
    )
    assert [set(item) for item in stored["triggers"]] == [EVIDENCE_KEYS | {"emotion"}]
    assert [set(item) for item in stored["pain_points"]] == [EVIDENCE_KEYS | {"topic"}]
    assert all(set(item) == EVIDENCE_KEYS | {"metric"} for item in stored["success_metrics"])
    assert all(set(item) == EVIDENCE_KEYS | {"topic"} for item in stored["top_topics"])
    assert all(set(item) == EVIDENCE_KEYS for item in stored["distinguishing"])


def test_a_stored_profile_round_trips_through_the_model(built_profile: PersonaProfile) -> None:
    built_profile.share = BookShare(customers=0.5, arr=0.25, arr_total=1000.0)
    built_profile.industries = {"FinTech": 1.0}
    built_profile.quotes = [Quote(text="We export every report by hand.")]
    built_profile.narrative = profiles.narrative(built_profile)
    stored = json_ready(built_profile.document())

    loaded = PersonaProfile.model_validate(stored)

    assert loaded.document() == stored
    assert loaded.share == built_profile.share
    assert loaded.triggers[0].emotion == "frustration"
    assert "narrative_by" not in stored


@pytest.mark.parametrize(
    "stored",
    [
        {},
        {"customers": 3, "share": {"customers": 0.5, "arr": 0.4, "arr_total": 10.0}},
        {"dimensions": {"decision_making": {"title": "Decision-making", "value": "data-driven"}}},
        {"name": "Steady Sam", "narrative": "Calm.", "narrative_by": "some-model"},
    ],
)
def test_partial_and_older_documents_load_and_keep_their_shape(stored: dict[str, Any]) -> None:
    assert PersonaProfile.model_validate(stored).document() == stored


def test_style_and_risk_documents_round_trip(built_profile: PersonaProfile) -> None:
    style = CommunicationStyle(
        formality=built_profile.dimensions["formality"],
        technical_level=built_profile.dimensions["technical_level"],
    ).document()
    risks = RiskFactors(
        triggers=built_profile.triggers, pain_points=built_profile.pain_points
    ).document()

    assert list(style) == ["formality", "technical_level"]
    assert CommunicationStyle.model_validate(style).document() == style
    assert RiskFactors.model_validate(risks).document() == risks
    assert RiskFactors.model_validate({}).document() == {}
