"""Personas whose members write in different voices, and a local model, for chat tests."""

import io
import shutil
import wave
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from cspersona.api.app import create_app
from cspersona.auth.models import Role
from cspersona.chat import service
from cspersona.chat.character import Character
from cspersona.config import Settings, load_settings
from cspersona.conversations.models import AuthorRole, Interaction, InteractionType, Message
from cspersona.db import migrate
from cspersona.db.engine import make_engine, make_session_factory, session_scope
from cspersona.llm.client import LLMClient
from cspersona.llm.providers import ProviderTimeout
from cspersona.personas.models import Persona, PersonaMapping
from tests.conftest import add_user_with_key, bearer
from tests.factories import START, add_customer
from tests.llm.local_server import RecordedServer, recorded_server
from tests.llm.test_client import ScriptedProvider

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


# A custom scenario as an analyst writes it, for the CLI, API and page tests.
PRICE_RISE_SCENARIO = """name: price-rise
title: Price rise
customer_kind: a long-standing customer surprised by a price rise
persona_traits: {price_sensitivity: 1.0}
situation: Prices go up 8% at the next renewal.
csm_goal: Keep the customer without a discount above 5%.
opening: Why is our price going up 8%?
turn_limit: 3
"""

# The character of a price-sensitive, formal, impatient persona, for prompt and judge tests.
PRICE_CHARACTER = Character(
    persona_id=1,
    name="Budget Keepers",
    traits={
        "technical": 0.1,
        "formality": 0.7,
        "verbosity": 0.5,
        "price_sensitivity": 0.9,
        "risk_aversion": 0.5,
        "enthusiasm": 0.4,
        "patience": 0.2,
        "baseline_sentiment": 0.45,
    },
    concerns=("pricing and renewal", "reports and exports"),
    member_count=12,
    description="Budget Keepers stand for 12 customers who watch every invoice.",
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


LOCAL_PERSONA_NARRATIVE = "Budget Keepers stand for customers who read every invoice line."


@dataclass(frozen=True)
class LocalModelChat:
    """The app configured for a local model server, which replays recordings; a CSM's key."""

    app: FastAPI
    model_server: RecordedServer
    engine: Engine
    persona_id: int
    csm_key: str

    def api(self) -> TestClient:
        """An API client with the CSM's key."""
        return TestClient(self.app, headers=bearer(self.csm_key))


@contextmanager
def local_model_chat(folder: Path) -> Iterator[LocalModelChat]:
    """A committed database with the Budget Keepers persona, and the app set to a local model.

    The settings are what a user of Ollama sets (``CSPERSONA_LLM_PROVIDER=local``, the server's
    address, a model name); tests change ``llm_model`` to match the recording they play.
    """
    with recorded_server() as model_server:
        settings = load_settings(
            database_url=f"sqlite:///{folder / 'chat.db'}",
            data_dir=folder,
            llm_provider="local",
            llm_base_url=model_server.url,
            llm_model="llama3.1",
            _env_file=None,
        )
        engine = make_engine(settings.sqlalchemy_url)
        migrate.upgrade(engine)
        with session_scope(make_session_factory(engine)) as db_session:
            persona = add_persona(db_session, "Budget Keepers", PRICE_MESSAGES)
            persona.narrative = LOCAL_PERSONA_NARRATIVE
            persona_id = persona.id
            key = add_user_with_key(db_session, secret_key=settings.secret_key, role=Role.CSM)
        app = create_app(settings)
        try:
            yield LocalModelChat(app, model_server, engine, persona_id, key)
        finally:
            app.state.job_runner.shutdown()
            engine.dispose()
        assert model_server.mismatches == []


def timing_out_client(settings: Settings, *, db_session: Session) -> LLMClient:
    """An LLM client whose model never answers in time, in place of ``client_from_settings``."""
    provider = ScriptedProvider(*[ProviderTimeout("the model did not answer in time")] * 3)
    return LLMClient(provider, db_session=db_session, redact=str, sleep=lambda _: None)
