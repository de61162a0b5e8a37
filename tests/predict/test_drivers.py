import math
import re

import pandas as pd
import pytest

from cspersona.analytics.glossary import describe
from cspersona.predict.drivers import Driver, effect_words, phrase, top_drivers


@pytest.mark.parametrize(
    ("contribution", "expected"),
    [
        (1.0, "strongly raises churn risk"),
        (-0.3, "moderately lowers churn risk"),
        (0.1, "slightly raises churn risk"),
    ],
)
def test_effects_say_direction_and_size(contribution: float, expected: str) -> None:
    assert effect_words(contribution) == expected


@pytest.mark.parametrize(
    ("column", "value", "typical", "expected"),
    [
        ("tenure", 2.0, 29.0, "tenure is low (2; typical 29)"),
        ("charges", 1234.5, 70.0, "charges is high (1,234; typical 70)"),
        ("seats", 40.0, 40.0, "seats is typical (40; typical 40)"),
        ("Contract", "Month-to-month", "Month-to-month", "Contract is Month-to-month"),
        ("TotalCharges", math.nan, 1397.0, "TotalCharges is unknown"),
    ],
)
def test_generic_phrases_for_numbers_categories_and_missing_values(
    column: str, value: float | str, typical: float | str, expected: str
) -> None:
    text = phrase(column, value, 1.0, typical)

    assert text == f"{expected}: strongly raises churn risk"
    assert not re.search(r"\([^)]*\(", text)  # no nested brackets


def test_a_column_template_words_its_own_feature() -> None:
    templates = {"active_users_change_60d": "active users {value:+.0%} in 60 days ({effect})"}

    text = phrase("active_users_change_60d", -0.4, 0.8, 0.0, templates)

    assert text == "active users -40% in 60 days (strongly raises churn risk)"


def test_top_drivers_are_the_largest_pushes_either_way_and_skip_negligible_ones() -> None:
    contributions = pd.DataFrame(
        {"tenure": [0.9, 0.01], "Contract": [-1.2, 0.02], "seats": [0.3, -0.04]}
    )
    values = pd.DataFrame(
        {"tenure": [2.0, 30.0], "Contract": ["Two year", "One year"], "seats": [5.0, 50.0]}
    )
    typical = {"tenure": 29.0, "Contract": "Month-to-month", "seats": 40.0}

    first, second = top_drivers(contributions, values, typical, top=2)

    assert [driver.column for driver in first] == ["Contract", "tenure"]
    assert first[0] == Driver(
        column="Contract",
        value="Two year",
        contribution=-1.2,
        phrase="Contract is Two year: strongly lowers churn risk",
    )
    assert (first[0].direction, first[0].size) == ("lowers", "strongly")
    assert second == []  # nothing moves the second customer enough to mention


def test_a_driver_s_statement_is_its_phrase_without_the_effect() -> None:
    driver = Driver(
        column="champion_quiet_days",
        value=73.0,
        contribution=0.8,
        phrase="the main contact has been silent for 73 days while others wrote: "
        "strongly raises churn risk",
    )

    assert driver.statement == "the main contact has been silent for 73 days while others wrote"


def test_a_described_driver_quotes_its_value_alone_in_reasons() -> None:
    (found,) = top_drivers(
        pd.DataFrame({"champion_quiet_days": [0.9]}),
        pd.DataFrame({"champion_quiet_days": [73.0]}),
        {"champion_quiet_days": 10.0},
        describe=describe,
    )

    assert found[0].phrase.startswith(
        "the main contact has been silent for 73 days while others wrote; 10 days"
    )
    assert found[0].statement == "the main contact has been silent for 73 days while others wrote"


def test_one_feature_over_several_windows_is_one_driver_its_strongest_window() -> None:
    contributions = pd.DataFrame(
        {
            "usage_trend_30d": [0.7],
            "usage_trend_60d": [0.9],
            "usage_trend_90d": [0.6],
            "nps_last": [-0.3],
        }
    )
    values = pd.DataFrame(
        {
            "usage_trend_30d": [-0.5],
            "usage_trend_60d": [-0.6],
            "usage_trend_90d": [-0.4],
            "nps_last": [9.0],
        }
    )

    (found,) = top_drivers(contributions, values, {}, top=3, describe=describe)

    assert [driver.column for driver in found] == ["usage_trend_60d", "nps_last"]


def test_a_count_the_table_typed_as_a_category_is_still_said_in_words() -> None:
    (found,) = top_drivers(
        pd.DataFrame({"lifecycle_downgraded_count": [0.4]}),
        pd.DataFrame({"lifecycle_downgraded_count": ["1.0"]}),
        {"lifecycle_downgraded_count": "0.0"},
        describe=describe,
    )

    assert found[0].phrase == "downgraded once so far: moderately raises churn risk"
