"""Interventions follow from risk-raising drivers and the persona, each with its reason."""

import pytest

from cspersona.predict.drivers import Driver
from cspersona.predict.interventions import Action, PersonaHint, recommend, theme


def driver(column: str, contribution: float, words: str = "") -> Driver:
    """A driver with a readable phrase."""
    return Driver(column=column, value=1.0, contribution=contribution, phrase=words or column)


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        ("tickets_unresolved", "defects"),
        ("ticket_high_urgent_share", "defects"),
        ("topic_share_billing", "price"),
        ("days_to_renewal", "price"),
        ("usage_trend_60d", "usage"),
        ("feature_breadth_30d", "usage"),
        ("sentiment_trend", "sentiment"),
        ("nps_drop", "sentiment"),
        ("emotion_confusion_mean", "confusion"),
        ("technical_terms_per_100_words", "technical"),
        ("reply_hours_median", "relationship"),
        ("tenure_days", None),
    ],
)
def test_features_fall_into_themes_by_name(column: str, expected: str | None) -> None:
    """A feature's name says what kind of problem it measures."""
    assert theme(column) == expected


def test_each_risk_raising_driver_leads_to_an_action_with_its_reason() -> None:
    """Unresolved tickets call for engineering, falling usage for training; reasons quote them."""
    found = recommend(
        [
            driver("tickets_unresolved", 0.9, "3 unresolved tickets"),
            driver("usage_trend_60d", 0.5, "product usage down 40% over the last 60 days"),
            driver("nps_last", -0.7, "last NPS answer 10 of 10"),
        ]
    )
    actions = [item.action for item in found]
    assert actions[0] is Action.ENGINEERING_ESCALATION
    assert Action.TRAINING_SESSION in actions
    assert "3 unresolved tickets" in found[0].reason
    assert found[0].drivers == ("tickets_unresolved",)
    # A driver that lowers risk never prompts an action.
    assert all("nps_last" not in item.drivers for item in found)


def test_no_risk_raising_driver_no_recommendation() -> None:
    """A customer whose drivers all lower risk needs nothing; a persona alone invents nothing."""
    assert recommend([driver("usage_trend_60d", -0.8)], PersonaHint("Technical Expert")) == []


def test_the_persona_puts_its_preferred_action_first_and_says_why() -> None:
    """A technical persona with a ticket problem gets the deep-dive first, for a stated reason."""
    found = recommend(
        [driver("tickets_unresolved", 0.9, "3 unresolved tickets")],
        PersonaHint("Technical Expert", "engineers who live in the API"),
    )
    assert found[0].action is Action.TECHNICAL_DEEP_DIVE
    assert "3 unresolved tickets" in found[0].reason
    assert "Technical Expert persona" in found[0].reason
    assert found[1].action is Action.ENGINEERING_ESCALATION


def test_a_cost_conscious_persona_with_a_price_driver_gets_the_offer_with_both_reasons() -> None:
    """When the persona's action is already there it moves first and gains the persona note."""
    found = recommend(
        [
            driver("usage_trend_60d", 0.9, "usage down"),
            driver("days_to_renewal", 0.4, "renewal in 20 days"),
        ],
        PersonaHint("Cost-Conscious Buyer"),
    )
    assert found[0].action is Action.RENEWAL_OFFER
    assert found[0].reason.startswith("because renewal in 20 days")
    assert "weighs price" in found[0].reason
    assert found[0].as_json()["action"] == "discount or renewal offer"


def test_a_non_technical_persona_is_not_offered_a_deep_dive_for_its_style() -> None:
    found = recommend(
        [driver("usage_trend_60d", -0.8)], PersonaHint("Frustrated Fiona", "formal, non-technical")
    )

    assert all("talks engineering" not in item.reason for item in found)
