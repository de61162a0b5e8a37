"""Personas whose members write in recognisably different voices, for chat tests."""

import io
import shutil
import wave
from collections.abc import Sequence

import pytest
from sqlalchemy.orm import Session

from cspersona.chat import service
from cspersona.conversations.models import AuthorRole, Interaction, InteractionType, Message
from cspersona.personas.models import Persona, PersonaMapping
from tests.factories import START, add_customer

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None,
    reason="espeak-ng is not installed: apt-get install espeak-ng (.ci/run does)",
)

PRICE_MESSAGES = (
    "Dear team,\nOur invoice went up again this quarter and finance wants a discount before the "
    "renewal.\nKind regards,\nMaria Lopez\nFinance Director",
    "Hello,\nWhat price per seat are we paying at the moment? We have 40 seats and only 25 are "
    "used.\nThank you.",
    "Good afternoon,\nThe renewal quote is well above our budget for next year. Could you issue a "
    "credit note for the unused licences?\nSincerely,",
    "Hello,\nWe were charged twice on the last invoice. Please issue a refund for the duplicate "
    "charge.\nMany thanks,",
    "Dear all,\nA competitor offered us a cheaper price per user. We would like to discuss the "
    "contract terms before renewal.\nBest regards,",
)
TECH_MESSAGES = (
    "webhooks return 429 on about 30% of calls from our etl pipeline since 5.2.8. rate limit "
    "config on our tenant?",
    "the api latency p95 jumped to 4s after the last deploy. request ids attached, check logs.",
    "sso via saml fails with an invalid assertion error for new users. scim sync looks stuck.",
    "our integration gets a 502 from the export endpoint when the payload is over 10mb.",
    "token refresh on the oauth flow times out, we retry with backoff but it never recovers.",
)


def add_persona(
    db_session: Session, name: str, texts: Sequence[str], *, members: int = 2, version: int = 1
) -> Persona:
    """A persona with ``members`` customers who each wrote every text in ``texts``."""
    persona = Persona(version=version, name=name)
    db_session.add(persona)
    db_session.flush()
    for number in range(members):
        customer = add_customer(db_session, f"{name} member {number}")
        db_session.add(
            PersonaMapping(
                customer_id=customer.id,
                persona_id=persona.id,
                confidence_score=0.9,
                model_version=f"v{version}",
            )
        )
        interaction = Interaction(
            customer_id=customer.id, type=InteractionType.EMAIL, started_at=START
        )
        interaction.messages = [
            Message(seq=seq, author_role=AuthorRole.CUSTOMER, sent_at=START, text=text)
            for seq, text in enumerate(texts)
        ]
        interaction.messages.append(
            Message(
                seq=len(texts),
                author_role=AuthorRole.AGENT,
                sent_at=START,
                text="Agent secret: internal escalation codeword PINEAPPLE-42.",
            )
        )
        db_session.add(interaction)
    db_session.flush()
    return persona


@pytest.fixture
def price_persona(db_session: Session) -> Persona:
    """A persona of price-sensitive, formal customers."""
    return add_persona(db_session, "Budget Keepers", PRICE_MESSAGES)


@pytest.fixture
def tech_persona(db_session: Session) -> Persona:
    """A persona of terse, technical customers."""
    return add_persona(db_session, "API Builders", TECH_MESSAGES)


@pytest.fixture(autouse=True)
def fresh_engines() -> None:
    """Engines built by one test are not reused by the next (ids repeat after a rollback)."""
    service._ENGINE_CACHE.clear()


def assert_speaks(audio: bytes, text: str) -> None:
    """``audio`` is a WAV file as long as ``text`` spoken: 0.05 s to 1.5 s per word."""
    with wave.open(io.BytesIO(audio)) as sound:
        assert sound.getnchannels() >= 1
        assert sound.getframerate() > 0
        seconds = sound.getnframes() / sound.getframerate()
    words = len(text.split())
    assert 0.05 * words <= seconds <= 1.5 * words, f"{seconds:.2f} s for {words} words"
