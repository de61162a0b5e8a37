"""Fixtures for page tests: logged-in clients, a real browser on a served app, chat personas."""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Page
from sqlalchemy.orm import Session

from cspersona.api.app import create_app
from cspersona.auth.models import Role
from cspersona.chat import service as chat_service
from cspersona.config import load_settings
from cspersona.db import migrate
from cspersona.db.engine import make_engine, make_session_factory, session_scope
from cspersona.personas.models import Persona
from tests.chat.conftest import PRICE_MESSAGES, TECH_MESSAGES, add_persona
from tests.conftest import CSM_OWNER, add_user_with_key
from tests.factories import (
    START,
    add_book,
    add_contacts,
    add_customer,
    add_expansion_scores,
    add_interaction,
    add_nps,
    add_stage_results,
    add_switch,
    add_voice_checks,
)
from tests.web.browser import CHROMIUM, CHROMIUM_ARGS, LAPTOP, ConsoleWatch, serve_in_thread

BrowserFor = Callable[..., TestClient]


@pytest.fixture
def browser_for(app: FastAPI, db_session: Session) -> BrowserFor:
    """A cookie-keeping client over HTTPS (the session cookie is Secure) logged in as ``role``.

    ``log_in=False`` leaves it logged out.
    """

    def build(
        role: Role = Role.ADMIN, csm_owner: str | None = None, log_in: bool = True
    ) -> TestClient:
        client = TestClient(app, base_url="https://testserver", follow_redirects=False)
        if log_in:
            key = add_user_with_key(
                db_session, secret_key=app.state.settings.secret_key, role=role, csm_owner=csm_owner
            )
            assert client.post("/login", data={"api_key": key}).status_code == 303
        return client

    return build


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright launches Debian's chromium with the flags design.md gives."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """Pages open at a laptop's size unless a test resizes them."""
    return {**browser_context_args, "viewport": LAPTOP}


@dataclass(frozen=True)
class LiveServer:
    """The served app's address and an API key per role."""

    url: str
    keys: dict[Role, str]


def _seed(db_session: Session) -> None:
    """Five named customers of two CSMs with stage results and switches, thirty more, one busy."""
    book = add_book(db_session)
    personas = add_stage_results(db_session, book)
    add_expansion_scores(db_session, book)
    add_voice_checks(db_session, personas["Power Users"], book["Delta Freight"])
    # One switch in each CSM's book: Dana Scully's Acme, Fox Mulder's Delta.
    add_switch(
        db_session, book["Acme Analytics"], personas["Budget Skeptics"], personas["Power Users"]
    )
    add_switch(
        db_session, book["Delta Freight"], personas["Power Users"], personas["Budget Skeptics"]
    )
    acme = book["Acme Analytics"]
    add_contacts(db_session, acme, 4)
    add_nps(db_session, acme, 9, 8, 6)
    for index in range(30):
        add_interaction(
            db_session,
            acme,
            started_at=START + timedelta(days=9 * index),
            subject=f"Ticket {index}",
        )
    for index in range(30):
        add_customer(
            db_session,
            f"Zephyr {index:02d}",
            csm_owner="Fox Mulder",
            plan="Starter",
            industry="Retail",
            arr=1000.0 * index,
        )


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real app, served by uvicorn in a thread, on a seeded SQLite database."""
    folder = tmp_path_factory.mktemp("live-server")
    settings = load_settings(
        database_url=f"sqlite:///{folder / 'live.db'}", data_dir=folder, _env_file=None
    )
    engine = make_engine(settings.sqlalchemy_url)
    migrate.upgrade(engine)
    with session_scope(make_session_factory(engine)) as db_session:
        _seed(db_session)
        keys = {
            role: add_user_with_key(
                db_session,
                secret_key=settings.secret_key,
                role=role,
                csm_owner=CSM_OWNER if role is Role.CSM else None,
            )
            for role in Role
        }
    engine.dispose()
    with serve_in_thread(create_app(settings)) as url:
        yield LiveServer(url=url, keys=keys)


@pytest.fixture
def console(page: Page) -> Iterator[ConsoleWatch]:
    """Fails the test if the page logs a console error it did not expect."""
    watch = ConsoleWatch()
    watch.attach(page)
    yield watch
    assert watch.unexpected() == [], "the page logged errors"


@pytest.fixture
def personas(db_session: Session) -> tuple[Persona, Persona]:
    """A price-sensitive and a technical persona to chat with.

    Chat engines cached by an earlier test are dropped: ids repeat after a rollback.
    """
    chat_service._ENGINE_CACHE.clear()
    return (
        add_persona(db_session, "Budget Keepers", PRICE_MESSAGES),
        add_persona(db_session, "API Builders", TECH_MESSAGES),
    )


def start_conversation(
    client: TestClient, persona: Persona, message: str, scenario: str = ""
) -> int:
    """Send a first message from the chat page; the id of the conversation it started."""
    response = client.post(
        "/chat/messages",
        data={"persona_id": persona.id, "message": message, "scenario": scenario},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200, response.text
    found = re.search(r'id="conversation-id" value="(\d+)"', response.text)
    assert found is not None
    return int(found.group(1))
