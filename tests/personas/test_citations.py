"""Claims cite member messages: the right topic or emotion, interviews first, one per member."""

import pandas as pd
import pytest
from sqlalchemy import select

from cspersona.analytics.text_style import text_measures
from cspersona.config import load_settings
from cspersona.conversations.models import AuthorRole, Interaction, Message
from cspersona.personas.citations import Citer
from cspersona.personas.models import Persona, PersonaMapping
from cspersona.pii.anonymizer import PiiRedactor
from tests.personas.conftest import Built

LONG = "We need this sorted before the quarter closes, please look again at it. "


@pytest.fixture
def citer() -> Citer:
    rows = [
        # message, interaction, type, customer, topic, frustration, body
        (1, 10, "ticket", 1, 4, 0.9, "Invoices are wrong again. " + LONG),
        (2, 11, "ticket", 1, 4, 0.1, "A second invoice question. " + LONG),
        (3, 12, "interview", 2, 4, 0.6, "In the interview: billing hurts us. " + LONG),
        (4, 13, "chat", 2, 7, 0.95, "The API keeps timing out. Hi there. " + LONG),
        (5, 14, "ticket", 3, 4, 0.99, "Not a member, about invoices. " + LONG),
        (6, 15, "ticket", 1, 4, 0.8, "Too short."),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "message_id", "interaction_id", "interaction_type", "customer_id", "topic",
            "emotion_frustration", "body",
        ],
    )  # fmt: skip
    frame["sentiment_score"] = 0.0
    frame = frame.join(text_measures(frame["body"]))
    return Citer(
        frame,
        members=[2, 1],
        redactor=PiiRedactor.from_settings(load_settings(), operator="replace"),
    )


def test_a_topic_claim_cites_member_messages_in_that_topic_interviews_first(citer: Citer) -> None:
    cited = citer.cite("topic_share_4_billing", 1.2)

    assert [citation.message_id for citation in cited] == [3, 1, 2]
    assert cited[0].interaction_type == "interview"
    assert cited[0].quote.startswith("In the interview: billing hurts us.")


def test_an_emotion_claim_cites_the_strongest_member_messages(citer: Citer) -> None:
    cited = citer.cite("emotion_frustration_mean", 0.8)

    # Strong enough: the interview (0.6), 4 (0.95), 1 (0.9), the non-member's and the short one
    # never; the interview first, then one message per member before a second of member 2.
    assert [citation.message_id for citation in cited] == [3, 1, 4]


def test_a_claim_messages_cannot_show_cites_nothing(citer: Citer) -> None:
    assert citer.cite("usage_trend_30d", 1.0) == []
    assert citer.cite("topic_share_4_billing", -1.0) == []


def test_built_profiles_cite_their_own_members_customer_messages(built: Built) -> None:
    session, _settings, _figures = built
    cited = 0
    for persona in session.scalars(select(Persona).where(Persona.active.is_(True))):
        profile = persona.profile
        members = set(
            session.scalars(
                select(PersonaMapping.customer_id).where(PersonaMapping.persona_id == persona.id)
            )
        )
        claims = [
            *profile.triggers, *profile.pain_points, *profile.success_metrics,
            *profile.dimensions.values(), *profile.narrative_claims,
        ]  # fmt: skip
        assert profile.narrative_claims, "every build states its narrative's claims"
        for citation in (citation for claim in claims for citation in claim.citations):
            message = session.get(Message, citation.message_id)
            assert message is not None and message.author_role is AuthorRole.CUSTOMER
            interaction = session.get(Interaction, message.interaction_id)
            assert interaction is not None and interaction.customer_id in members
            assert citation.interaction_id == interaction.id
            cited += 1
        assert profile.fidelity is not None and profile.fidelity.members_with_history > 0
    assert cited > 0
