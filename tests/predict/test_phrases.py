"""Analytics features worded as a CSM would say them."""

import pytest

from cspersona.predict.drivers import phrase
from cspersona.predict.phrases import feature_templates


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("usage_trend_60d", -0.5108, "product usage down 40% over the last 60 days"),
        ("usage_trend_30d", 0.1398, "product usage up 15% over the last 30 days"),
        ("tickets_unresolved_count", 3.0, "3 unresolved tickets"),
        ("adoption_days_ai_assistant", 173.0, "took 173 days to adopt ai assistant"),
        ("champion_quiet_days", 45.0, "main contact silent for 45 days"),
        ("negative_share_recent", 0.75, "75% of their messages negative in the last 60 days"),
        ("nps_last", 4.0, "last NPS answer 4 of 10"),
        ("days_to_renewal", 21.4, "renewal in 21 days"),
        ("emotion_frustration_mean", 0.42, "frustration in their messages at 0.42"),
    ],
)
def test_known_features_get_their_own_words(column: str, value: float, expected: str) -> None:
    """The template words the value; the effect follows in brackets."""
    templates = feature_templates([column])
    text = phrase(column, value, 0.7, 0.2, templates)
    assert text.startswith(expected)
    assert text.endswith("(strongly raises churn risk (odds x2))")


def test_unknown_features_and_missing_values_keep_the_generic_words() -> None:
    """No rule: no template; a missing value is "unknown" even for a known feature."""
    assert feature_templates(["tenure_days"]) == {}
    templates = feature_templates(["tickets_unresolved"])
    assert phrase("tickets_unresolved", float("nan"), 0.3, 1.0, templates).startswith(
        "tickets_unresolved is unknown"
    )
