"""Every customer feature said in plain words, with its unit and what is typical."""

import math
import re

import pytest

from cspersona.analytics.glossary import (
    LOWERS,
    RAISES,
    channel_name,
    describe,
    plain_name,
    risk_direction,
)
from cspersona.predict.drivers import phrase

SNAKE_CASE = re.compile(r"\b[a-z]+_[a-z_]+\b")


@pytest.mark.parametrize(
    ("feature", "value", "typical", "expected"),
    [
        (
            "champion_message_share",
            0.35,
            0.7,
            "the main contact wrote 35% of their messages; 70% is typical",
        ),
        ("usage_trend_60d", -0.5108, None, "product usage down 40% over the last 60 days"),
        (
            "usage_trend_30d",
            0.1398,
            0.0,
            "product usage up 15% over the last 30 days; unchanged is typical",
        ),
        ("tickets_unresolved_count", 3.0, None, "3 unresolved tickets"),
        ("adoption_days_ai_assistant", 173.0, None, "took 173 days to start using AI assistant"),
        ("adoption_days_ai_assistant", math.nan, None, "has never used AI assistant"),
        (
            "champion_quiet_days",
            45.0,
            12.0,
            "the main contact has been silent for 45 days while others wrote; 12 days is typical",
        ),
        ("negative_share_recent", 0.75, None, "75% of their messages negative in the last 60 days"),
        ("nps_last", 4.0, None, "last NPS answer 4 of 10"),
        ("nps_drop", 3.0, None, "last NPS answer 3 points below their earlier average"),
        ("nps_drop", -2.0, None, "last NPS answer 2 points above their earlier average"),
        ("nps_drop", 1.0, None, "last NPS answer 1 point below their earlier average"),
        ("days_to_renewal", 21.4, None, "renewal in 21 days"),
        (
            "emotion_frustration_mean",
            0.42,
            0.3,
            "frustration in their messages at 0.42; 0.30 is typical",
        ),
        (
            "topic_share_24_csv_export_fails",
            0.2,
            0.05,
            "20% of their messages about CSV export fails; 5% is typical",
        ),
        ("topic_share_24", 0.2, None, "20% of their messages about other questions"),
        ("channel_share_in_app", 0.5, None, "50% of their conversations on in-app chat"),
        ("customer_messages_total", 309.0, 54.0, "309 messages written so far; 54 is typical"),
        ("escalations_total", 17.0, 17.0, "17 escalations so far"),
        ("tenure_days", 1.0, None, "a customer for 1 day"),
        ("some_new_feature", 2.5, 1.0, "some new feature 2.5; 1 is typical"),
        (
            "champion_quiet_days",
            393.0,
            0.0,
            "the main contact has been silent for 393 days while others wrote; "
            "usually the main contact writes last",
        ),
    ],
)
def test_features_are_said_in_words(
    feature: str, value: float, typical: float | None, expected: str
) -> None:
    said = describe(feature, value, typical)

    assert said == expected
    assert not SNAKE_CASE.search(said)


def test_acronyms_are_spelled_in_capitals() -> None:
    assert plain_name("feature_share_api") == "feature share API"


def test_a_driver_is_its_feature_in_words_then_its_effect_without_nested_brackets() -> None:
    text = phrase("champion_quiet_days", 73.0, 0.8, 10.0, describe=describe)

    assert text == (
        "the main contact has been silent for 73 days while others wrote; 10 days is typical: "
        "strongly raises churn risk"
    )
    assert not re.search(r"\([^)]*\(", text)


def test_a_table_column_without_words_is_said_without_underscores() -> None:
    assert phrase("tenure_days", 120.0, 0.3, 610.0).startswith(
        "tenure days is low (120; typical 610)"
    )


def test_a_channel_reads_as_a_csm_says_it() -> None:
    assert channel_name("in_app") == "in-app chat"
    assert channel_name("whats_app") == "whats app"


@pytest.mark.parametrize(
    ("feature", "direction"),
    [
        ("escalations_90d", RAISES),
        ("negative_share_recent", RAISES),
        ("champion_quiet_days", RAISES),
        ("usage_trend_30d", LOWERS),
        ("usage_active_users_30d", LOWERS),
        ("nps_last", LOWERS),
        ("tickets_total", None),  # many tickets: trouble, or a customer who uses the product
        ("topic_share_3_billing", None),
        ("no_such_feature", None),
    ],
)
def test_common_sense_directions_are_known_only_where_they_are_clear(
    feature: str, direction: int | None
) -> None:
    assert risk_direction(feature) == direction
