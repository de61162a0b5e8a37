from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from cspersona.analytics.history import load_history
from cspersona.analytics.service import analyse_interactions
from cspersona.analytics.signals import churn_signals, signals_for_all
from cspersona.conversations.models import AuthorRole, Message
from cspersona.exceptions import NotFound
from tests.factories import add_conversation, add_customer, add_nps, add_usage_days

AS_OF = datetime(2025, 6, 1, tzinfo=UTC)
CUSTOMER = AuthorRole.CUSTOMER
AGENT = AuthorRole.AGENT


def test_a_customer_in_trouble_raises_every_signal_with_evidence(db_session: Session) -> None:
    customer = add_customer(db_session, "Trouble Inc")
    add_usage_days(
        db_session,
        customer,
        first_day=AS_OF.date() - timedelta(days=180),
        events=[100] * 150 + [20] * 30,
    )
    add_nps(db_session, customer, 9, answered_at=AS_OF - timedelta(days=150))
    add_nps(db_session, customer, 3, answered_at=AS_OF - timedelta(days=10))
    champion_ticket = add_conversation(
        db_session,
        customer,
        [(CUSTOMER, "All good, thanks.", 0.5), (AGENT, "Great.", 0.5)],
        started_at=AS_OF - timedelta(days=150),
        closed_at=AS_OF - timedelta(days=148),
    )
    for message in champion_ticket.messages:
        message.author_id = "champion"
    champion_ticket.messages.extend(
        Message(
            seq=seq,
            author_role=CUSTOMER,
            author_id="champion",
            sent_at=AS_OF - timedelta(days=149, hours=-seq),
            text="One more thing.\n\nBest,\nChase Lee\nProduct Manager | Acme\nTel: +1 555 0160 68",
        )
        for seq in (2, 3, 4)
    )
    for days_ago in (40, 20, 5):
        add_conversation(
            db_session,
            customer,
            [
                (CUSTOMER, "Exports are broken again and nobody answers.", -0.7),
                (AGENT, "Looking into it.", 0.0),
            ],
            started_at=AS_OF - timedelta(days=days_ago),
            status="open",
        )
    analyse_interactions(db_session=db_session)

    signals = {
        signal.name: signal
        for signal in churn_signals(db_session=db_session, customer_id=customer.id, as_of=AS_OF)
    }

    assert {name for name, signal in signals.items() if signal.raised} == {
        "declining_usage",
        "rising_negative_sentiment",
        "unresolved_issues",
        "nps_drop",
        "champion_quiet",
    }
    negative = signals["rising_negative_sentiment"].evidence
    assert negative[0].kind == "message"
    assert negative[0].text == "Exports are broken again and nobody answers."
    assert {evidence.kind for evidence in signals["unresolved_issues"].evidence} == {"ticket"}
    assert len(signals["unresolved_issues"].evidence) == 3
    assert [evidence.value for evidence in signals["nps_drop"].evidence] == [9, 3]
    assert signals["champion_quiet"].evidence[0].label == "champion's last message"
    assert signals["champion_quiet"].evidence[0].text == "One more thing."  # no signature
    assert signals["declining_usage"].series[-1].value == 20
    assert len(signals["declining_usage"].series) == 6


def test_a_calm_customer_raises_none(db_session: Session) -> None:
    customer = add_customer(db_session, "Calm Ltd")
    add_usage_days(
        db_session, customer, first_day=AS_OF.date() - timedelta(days=120), events=[50] * 120
    )
    add_nps(db_session, customer, 9, answered_at=AS_OF - timedelta(days=20))
    add_conversation(
        db_session,
        customer,
        [
            (CUSTOMER, "Quick question about reports.", 0.1),
            (AGENT, "Here you go.", 0.3),
            (CUSTOMER, "Thanks!", 0.8),
        ],
        started_at=AS_OF - timedelta(days=10),
        closed_at=AS_OF - timedelta(days=9),
    )

    signals = churn_signals(db_session=db_session, customer_id=customer.id, as_of=AS_OF)

    assert [signal.raised for signal in signals] == [False] * 5
    assert all(signal.evidence == [] for signal in signals)


def test_a_customer_without_data_is_not_found(db_session: Session) -> None:
    customer = add_customer(db_session, "Empty")

    with pytest.raises(NotFound):
        churn_signals(db_session=db_session, customer_id=customer.id)


def test_signals_for_every_customer_at_once_match_one_at_a_time(db_session: Session) -> None:
    falling = add_customer(db_session, "Falling Inc")
    add_usage_days(
        db_session,
        falling,
        first_day=AS_OF.date() - timedelta(days=180),
        events=[100] * 150 + [20] * 30,
    )
    add_conversation(
        db_session,
        falling,
        [(CUSTOMER, "How do I export a report?", 0.1), (AGENT, "Like this.", 0.2)],
        started_at=AS_OF - timedelta(days=100),
        closed_at=AS_OF - timedelta(days=99),
    )
    unhappy = add_customer(db_session, "Unhappy Ltd")
    add_usage_days(
        db_session, unhappy, first_day=AS_OF.date() - timedelta(days=180), events=[50] * 180
    )
    add_nps(db_session, unhappy, 9, answered_at=AS_OF - timedelta(days=150))
    add_nps(db_session, unhappy, 2, answered_at=AS_OF - timedelta(days=10))
    add_conversation(
        db_session,
        unhappy,
        [(CUSTOMER, "This is broken again and nobody answers.", -0.8), (AGENT, "Sorry.", 0.0)],
        started_at=AS_OF - timedelta(days=20),
        closed_at=AS_OF - timedelta(days=18),
    )

    every = signals_for_all(load_history(db_session=db_session, as_of=AS_OF))

    for customer in (falling, unhappy):
        one = churn_signals(db_session=db_session, customer_id=customer.id, as_of=AS_OF)
        assert every[customer.id] == one
    assert [s.name for s in every[falling.id] if s.raised] == ["declining_usage"]
    assert "nps_drop" in [s.name for s in every[unhappy.id] if s.raised]
