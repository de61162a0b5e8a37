from datetime import UTC, datetime, timedelta

import pytest

from cspersona.analytics.dynamics import Turn, analyse_turns, reply_effects, trigger_phrase

START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def conversation(*turns: tuple[str, str, float | None, float | None]) -> list[Turn]:
    """Turns from ``(role, body, sentiment, anger)``, an hour apart."""
    return [
        Turn(
            message_id=100 + seq,
            seq=seq,
            role=role,
            sent_at=START + timedelta(hours=seq),
            body=body,
            sentiment=sentiment,
            anger=anger,
        )
        for seq, (role, body, sentiment, anger) in enumerate(turns)
    ]


def test_an_escalation_that_recovers() -> None:
    turns = conversation(
        ("customer", "Exports fail since Monday.", -0.3, 0.1),
        ("agent", "Please clear your cache.", 0.0, None),
        ("customer", "Hi,\n\nI need to speak to your manager. This is ridiculous.", -0.8, 0.9),
        ("agent", "Our head of support fixed it; exports work again.", 0.5, None),
        ("customer", "Confirmed, thank you.", 0.6, 0.0),
    )

    dynamics = analyse_turns(turns)

    assert dynamics.escalated
    assert dynamics.escalation_seq == 2
    assert dynamics.escalation_message_id == 102
    assert dynamics.escalated_at == START + timedelta(hours=2)
    assert dynamics.escalation_trigger == "I need to speak to your manager."
    assert dynamics.escalation_reason == "emotion"
    assert dynamics.recovered is True
    assert [point["sentiment"] for point in dynamics.trajectory] == [-0.3, -0.8, 0.6]
    assert dynamics.first_response_hours == 1.0


def test_an_escalation_that_does_not_recover() -> None:
    turns = conversation(
        ("customer", "SSO is down for all of us.", -0.5, 0.2),
        ("agent", "We are looking into it.", 0.0, None),
        ("customer", "I am escalating this to our CISO.", -0.7, 0.3),
        ("agent", "No ETA yet.", -0.2, None),
        ("customer", "Still broken. Unacceptable.", -0.7, 0.4),
    )

    dynamics = analyse_turns(turns)

    assert (dynamics.escalation_seq, dynamics.escalation_reason) == (2, "phrase")
    assert dynamics.escalation_trigger == "I am escalating this to our CISO."
    assert dynamics.recovered is False


def test_a_calm_conversation_does_not_escalate() -> None:
    turns = conversation(
        ("customer", "How do I add a user?\n\nBest,\nAnna\nOffice Manager, Acme", 0.0, 0.0),
        ("agent", "Settings > Users > Invite.", 0.2, None),
        (
            "customer",
            "Thanks!\n\nOn Mon, Mar 3 Bob wrote:\n> please escalate to your manager",
            0.7,
            0.0,
        ),
    )

    dynamics = analyse_turns(turns)

    assert not dynamics.escalated
    assert dynamics.recovered is None
    assert dynamics.escalation_trigger is None


def test_a_strong_phrase_escalates_without_nlp_verdicts() -> None:
    turns = conversation(
        ("customer", "Refund us for the outage or we will cancel.", None, None),
    )

    assert analyse_turns(turns).escalation_reason == "phrase"


def test_a_negative_message_with_a_weak_phrase_alone_is_no_escalation() -> None:
    turns = conversation(("customer", "This is the third time this has happened.", -0.6, 0.2))

    assert not analyse_turns(turns).escalated


@pytest.mark.parametrize(
    ("reply", "after", "delta"),
    [
        ("I've fixed it: your export is running again.", 0.6, 0.9),
        ("That is how the product works.", -0.7, -0.4),
    ],
    ids=["helped", "hurt"],
)
def test_reply_effect_is_the_change_of_the_next_customer_turn(
    reply: str, after: float, delta: float
) -> None:
    turns = conversation(
        ("customer", "Exports fail.", -0.3, None),
        ("agent", reply, 0.0, None),
        ("customer", "Reply.", after, None),
    )

    (effect,) = reply_effects(turns)

    assert effect == {
        "seq": 1,
        "role": "agent",
        "before": -0.3,
        "after": after,
        "after_sent_at": (START + timedelta(hours=2)).isoformat(),
        "delta": delta,
    }


def test_only_the_last_of_consecutive_replies_is_credited() -> None:
    turns = conversation(
        ("customer", "Broken.", -0.4, None),
        ("agent", "Looking.", 0.0, None),
        ("csm", "Fixed.", 0.3, None),
        ("customer", "Works.", 0.5, None),
        ("customer", "Thanks again.", 0.6, None),
    )

    assert [(effect["seq"], effect["role"]) for effect in reply_effects(turns)] == [(2, "csm")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Hi.\nAt this point we're looking at cancelling. Sad.",
            ("At this point we're looking at cancelling.", True),
        ),
        ("This is completely unacceptable!", ("This is completely unacceptable!", False)),
        ("Please share the docs.", (None, False)),
    ],
)
def test_trigger_phrase_names_the_sentence(text: str, expected: tuple[str | None, bool]) -> None:
    assert trigger_phrase(text) == expected
