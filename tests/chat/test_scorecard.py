"""Score cards: the customer's final stance, the turns that moved them, what was left unanswered."""

from cspersona.chat.intents import classify
from cspersona.chat.scenarios import Outcome, Stance, builtin_scenarios
from cspersona.chat.scorecard import CsmTurn, score_card
from cspersona.chat.state import ChatState

RENEWAL = builtin_scenarios()["renewal-negotiation"]


def turn(text: str, before: ChatState | None = None, after: ChatState | None = None) -> CsmTurn:
    return CsmTurn(text, classify(text), before, after)


def test_the_score_card_quotes_the_csms_own_turns() -> None:
    scenario = RENEWAL
    turns = [
        turn(text)
        for text in (
            "We're looking into it.",
            "Have you considered upgrading to the Enterprise plan?",
            "I'll send the revised quote by Friday with a 10% discount.",
        )
    ]
    state = ChatState(0.4, 0.5, 0.4, turn=3, raised_objections=("competitor_quote",))

    card = score_card(scenario, state, turns, persona_id=1)

    assert card.goal_reached is False and card.turns_used == 3
    text = "\n".join(card.feedback)
    assert '"We\'re looking into it."' in text and "committed to nothing" in text
    assert '"Have you considered upgrading' in text
    assert "never acknowledged" in text
    assert "Your clearest turn" in text and "by Friday" in text
    assert card.unanswered[0].startswith('"Another vendor has quoted us')
    assert card.empathy == 0.0 and 0 < card.clarity < 1
    assert card.objections_handled == 0 and card.objections_total == 2


def test_a_run_the_customer_leaves_unconvinced_is_never_a_pass() -> None:
    state = ChatState(0.3, 0.35, 0.4, turn=10, raised_objections=("unused_seats",))
    turns = [turn("I understand, that is frustrating."), turn("We are looking into it.")]

    card = score_card(RENEWAL, state, turns, persona_id=1)

    assert card.outcome is Outcome.OUT_OF_TURNS and card.stance is Stance.UNCONVINCED
    assert card.goal_reached is False and card.score < 50
    assert card.unanswered == [
        '"We are paying for seats nobody uses." was never answered: offer a usage review and '
        "right-size the seats at renewal instead of a larger discount."
    ]


def test_the_card_quotes_the_turns_that_moved_the_customer_most() -> None:
    cold = ChatState(0.40, 0.50, 0.6, turn=1)
    warmer = ChatState(0.62, 0.58, 0.6, turn=2)
    cooler = ChatState(0.55, 0.50, 0.5, turn=3)
    final = ChatState(0.75, 0.65, 0.5, turn=3, handled_objections=("competitor_quote",))
    turns = [
        turn("I can take 10% off if you renew for two years.", cold, warmer),
        turn("Have you looked at our Premium tier?", warmer, cooler),
    ]

    card = score_card(RENEWAL, final, turns, persona_id=1)

    assert card.stance is Stance.CONVINCED and card.outcome is Outcome.SUCCEEDED
    assert card.turning_points == [
        '"I can take 10% off if you renew for two years." won them over most '
        "(satisfaction 0.40 to 0.62, trust 0.50 to 0.58).",
        '"Have you looked at our Premium tier?" cost you most '
        "(satisfaction 0.62 to 0.55, trust 0.58 to 0.50).",
    ]
    assert card.score >= 60
