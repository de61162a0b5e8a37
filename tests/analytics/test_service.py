from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.analytics import service
from cspersona.analytics.evaluation import escalation_scores
from cspersona.analytics.models import InteractionAnalysis
from cspersona.conversations.models import AuthorRole, Message
from tests.conftest import AnalysedWorld
from tests.factories import START, add_conversation, add_customer

CUSTOMER = AuthorRole.CUSTOMER
AGENT = AuthorRole.AGENT


def test_conversations_are_analysed_once_and_again_when_they_grow(db_session: Session) -> None:
    customer = add_customer(db_session, "Acme")
    ticket = add_conversation(
        db_session,
        customer,
        [
            (CUSTOMER, "SSO fails for everyone.", -0.4),
            (AGENT, "Please retry.", 0.0),
            (CUSTOMER, "Escalate this to your manager now.", -0.8),
        ],
        emotions={2: {"anger": 0.9}},
        closed_at=START + timedelta(hours=5),
    )
    add_conversation(db_session, customer, [(CUSTOMER, "Thanks!", 0.8)])

    assert service.analyse_interactions(db_session=db_session) == 2
    assert service.analyse_interactions(db_session=db_session) == 0

    row = service.get_interaction_analysis(db_session=db_session, interaction_id=ticket.id)
    assert row is not None
    assert (row.escalated, row.escalation_seq, row.recovered) == (True, 2, False)
    assert row.escalation_trigger == "Escalate this to your manager now."
    assert row.customer_id == customer.id
    assert row.resolution_hours == 5.0
    assert row.first_response_hours == 1.0
    assert (row.reply_effect_mean, row.harmful_replies, row.helpful_replies) == (-0.4, 1, 0)

    ticket.messages.append(
        Message(
            seq=3,
            author_role=AGENT,
            sent_at=START + timedelta(hours=4),
            text="Fixed, sorry.",
        )
    )
    db_session.flush()
    assert service.analyse_interactions(db_session=db_session) == 1
    rows = db_session.scalars(select(InteractionAnalysis)).all()
    assert len(rows) == 2


def test_planted_escalations_are_found(analysed_world: AnalysedWorld) -> None:
    with Session(analysed_world.engine) as db_session:
        scores = escalation_scores(
            db_session=db_session, interaction_truth=analysed_world.interactions
        )

    assert scores.planted > 50
    assert scores.precision >= 0.9
    assert scores.recall >= 0.9
    assert scores.same_turn / scores.true_positives >= 0.9
    assert scores.recovery_agreement >= 0.85
