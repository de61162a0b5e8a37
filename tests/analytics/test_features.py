import math
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.analytics.features import customer_features
from cspersona.analytics.service import analyse_interactions
from cspersona.conversations.models import AuthorRole, Interaction, Message
from cspersona.customers.models import Customer, LifecycleEvent, LifecycleKind
from cspersona.exceptions import BadInput
from tests.conftest import AnalysedWorld
from tests.factories import (
    START,
    add_conversation,
    add_customer,
    add_interaction,
    add_nps,
    add_usage_days,
)

AS_OF = datetime(2025, 4, 1, tzinfo=UTC)
CUSTOMER = AuthorRole.CUSTOMER
AGENT = AuthorRole.AGENT


def build_past(db_session: Session) -> tuple[Customer, Interaction]:
    """A customer with months of conversations, tickets, NPS answers and usage; its open ticket."""
    customer = add_customer(
        db_session, "Acme", arr=50_000.0, contract_start=date(2024, 6, 1), plan="Growth"
    )
    open_ticket = add_conversation(
        db_session,
        customer,
        [
            (CUSTOMER, "Dear team, could you check the API webhook config?", 0.0),
            (AGENT, "Marking this as solved. Reply to reopen it if needed.", 0.3),
            (CUSTOMER, "It still fails, the webhook returns 500.", -0.6),
        ],
        priority="high",
        status="open",
        channel="email",
    )
    add_conversation(
        db_session,
        customer,
        [(CUSTOMER, "Hey! quick one, thx", 0.4), (AGENT, "Done.", 0.5)],
        started_at=START + timedelta(days=40),
        priority="low",
        status="solved",
        closed_at=START + timedelta(days=41),
        channel="slack",
    )
    add_nps(db_session, customer, 9, answered_at=START + timedelta(days=10))
    add_nps(db_session, customer, 5, answered_at=START + timedelta(days=70))
    add_usage_days(
        db_session,
        customer,
        first_day=AS_OF.date() - timedelta(days=120),
        events=[100] * 60 + [40] * 60,
        features={"reports": 3, "api": 1},
    )
    return customer, open_ticket


def test_features_of_a_hand_built_customer(db_session: Session) -> None:
    customer, _ticket = build_past(db_session)

    row = customer_features(db_session=db_session, as_of=AS_OF).loc[customer.id]

    assert row["interactions_total"] == 2
    assert row["customer_messages_total"] == 3
    assert row["tickets_total"] == 2
    assert row["tickets_unresolved_count"] == 1
    assert row["ticket_reopen_rate"] == 0.5
    assert row["ticket_high_urgent_share"] == 0.5
    assert row["channel_share_email"] == 0.5
    assert row["nps_last"] == 5
    assert row["nps_drop"] == 4
    assert row["sentiment_mean"] == pytest.approx((0.0 - 0.6 + 0.4) / 3)
    assert row["usage_events_per_day_30d"] == 40
    assert row["usage_trend_60d"] == pytest.approx(math.log(41 / 101))
    assert row["feature_share_reports"] == pytest.approx(0.75)
    assert row["technical_terms_per_100_words"] > 0
    assert row["arr"] == 50_000


def test_every_column_is_a_float_and_customers_are_indexed_by_id(db_session: Session) -> None:
    customer, _ticket = build_past(db_session)
    add_customer(db_session, "No data yet")

    features = customer_features(db_session=db_session)

    assert list(features.index) == [customer.id]
    assert features.index.name == "customer_id"
    assert set(features.dtypes) == {np.dtype(float)}


def test_future_events_do_not_change_features(db_session: Session) -> None:
    customer, ticket = build_past(db_session)
    analyse_interactions(db_session=db_session)
    before = customer_features(db_session=db_session, as_of=AS_OF)

    ticket.closed_at = AS_OF + timedelta(hours=2)
    ticket.status = "solved"
    ticket.messages.append(
        Message(
            seq=3,
            author_role=CUSTOMER,
            author_id="customer-1",
            sent_at=AS_OF + timedelta(hours=1),
            text="Any news? Escalate this now.",
        )
    )
    add_conversation(
        db_session,
        customer,
        [(CUSTOMER, "Cancel our contract, I want your manager", -0.9)],
        started_at=AS_OF,
        priority="urgent",
    )
    add_conversation(
        db_session,
        customer,
        [(CUSTOMER, "Third time asking about SSO tokens", -0.8)],
        started_at=AS_OF + timedelta(days=3),
    )
    add_nps(db_session, customer, 0, answered_at=AS_OF + timedelta(seconds=1))
    add_usage_days(db_session, customer, first_day=AS_OF.date(), events=[0, 5000])
    db_session.add(LifecycleEvent(customer_id=customer.id, kind=LifecycleKind.CHURNED, at=AS_OF))
    analyse_interactions(db_session=db_session)
    after = customer_features(db_session=db_session, as_of=AS_OF)

    pd.testing.assert_frame_equal(before, after)
    everything = customer_features(db_session=db_session)
    assert everything.loc[customer.id, "interactions_total"] == 4
    assert everything.loc[customer.id, "nps_last"] == 0
    assert everything.loc[customer.id, "escalations_total"] == 2
    assert before.loc[customer.id, "escalations_total"] == 0


def test_a_naive_as_of_is_refused(db_session: Session) -> None:
    with pytest.raises(BadInput):
        customer_features(db_session=db_session, as_of=datetime(2025, 1, 1))


def test_a_book_without_usage_still_has_features(db_session: Session) -> None:
    customer = add_customer(db_session, "No Usage Yet")
    add_interaction(db_session, customer)

    frame = customer_features(db_session=db_session)

    assert customer.id in frame.index
    assert np.isnan(frame.loc[customer.id, "usage_growth_since_start"])


def test_world_features_reflect_the_planted_truth(analysed_world: AnalysedWorld) -> None:
    with Session(analysed_world.engine) as db_session:
        features = customer_features(db_session=db_session)
        external = dict(db_session.execute(select(Customer.id, Customer.external_id)).all())
        planted = Counter(
            external_id.rsplit("-", 1)[0].split("-", 1)[1]
            for external_id, row in analysed_world.interactions.items()
            if row["escalated"]
        )
    archetype = pd.Series(
        [analysed_world.customers[external[index]]["archetype"] for index in features.index],
        index=features.index,
    )
    technical = features["technical_terms_per_100_words"].groupby(archetype).mean()
    escalations = pd.Series(
        [planted[external[index].split("-", 1)[1]] for index in features.index],
        index=features.index,
    )

    assert len(features) == len(analysed_world.customers)
    assert technical.idxmax() == "technical_expert"
    assert technical["technical_expert"] > 2 * technical["business_user"]
    assert features["escalations_total"].corr(escalations.astype(float)) > 0.95
