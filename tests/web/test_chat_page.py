"""The chat page: persona and scenario pickers, exchanges with indicators, the score card."""

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from cspersona.api.app import create_app
from cspersona.auth.models import Role
from cspersona.chat import service
from cspersona.config import Settings, load_settings
from cspersona.db import migrate
from cspersona.db.engine import make_engine, make_session_factory, session_scope
from cspersona.llm.client import LLMClient
from cspersona.llm.providers import ProviderTimeout
from cspersona.personas.models import Persona
from tests.chat.conftest import (
    PRICE_MESSAGES,
    TECH_MESSAGES,
    LocalModelChat,
    add_persona,
    local_model_chat,
)
from tests.conftest import add_user_with_key
from tests.llm.test_client import ScriptedProvider
from tests.web.browser import ConsoleWatch, screenshot, serve_in_thread
from tests.web.conftest import LiveServer

BrowserFor = Callable[..., TestClient]


@pytest.fixture(autouse=True)
def fresh_engines() -> None:
    """Engines built by one test are not reused by the next (ids repeat after a rollback)."""
    service._ENGINE_CACHE.clear()


@pytest.fixture
def personas(db_session: Session) -> tuple[Persona, Persona]:
    """A price-sensitive and a technical persona."""
    return (
        add_persona(db_session, "Budget Keepers", PRICE_MESSAGES),
        add_persona(db_session, "API Builders", TECH_MESSAGES),
    )


def test_the_page_offers_personas_and_scenarios(
    browser_for: BrowserFor, personas: tuple[Persona, Persona]
) -> None:
    page = browser_for(Role.CSM).get("/chat", params={"scenario": "feature-upsell"})

    assert page.status_code == 200
    assert "Budget Keepers" in page.text and "Technical Tanya" in page.text
    assert f'name="persona_id" value="{personas[1].id}"' in page.text  # best fit for Tanya
    assert "we keep hitting 429s" in page.text  # the scenario's opening line


def test_the_state_bars_start_at_the_scenarios_mood_not_at_zero(
    browser_for: BrowserFor, personas: tuple[Persona, Persona]
) -> None:
    page = browser_for(Role.CSM).get("/chat", params={"scenario": "churn-prevention"}).text

    assert '<span data-testid="satisfaction">0.20</span>' in page
    assert '<span data-testid="trust">0.30</span>' in page
    assert '<span data-testid="patience">0.50</span>' in page
    assert '<p class="emotion" data-testid="emotion">—</p>' not in page


def test_without_personas_the_page_says_how_to_build_them(browser_for: BrowserFor) -> None:
    assert "build them first" in browser_for(Role.VIEWER).get("/chat").text


def test_an_exchange_returns_both_turns_the_indicators_and_suggestions(
    browser_for: BrowserFor, personas: tuple[Persona, Persona]
) -> None:
    response = browser_for(Role.CSM).post(
        "/chat/messages",
        data={"persona_id": personas[0].id, "message": "I can offer a 10% discount."},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert response.text.count('class="turn') == 2
    assert "concession" in response.text
    assert 'id="indicators"' in response.text and 'hx-swap-oob="true"' in response.text
    assert response.text.count('class="suggestion"') == 3
    assert 'data-testid="written-by"' not in response.text  # the built-in engine is the default


def test_a_reply_the_model_could_not_write_says_the_built_in_engine_answered(
    browser_for: BrowserFor,
    personas: tuple[Persona, Persona],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def timing_out(settings: Settings, *, db_session: Session) -> LLMClient:
        provider = ScriptedProvider(*[ProviderTimeout("the model did not answer in time")] * 3)
        return LLMClient(provider, db_session=db_session, redact=str, sleep=lambda _: None)

    monkeypatch.setattr(service, "client_from_settings", timing_out)

    response = browser_for(Role.CSM).post(
        "/chat/messages", data={"persona_id": personas[0].id, "message": "Any news?"}
    )

    assert response.status_code == 200
    assert "The language model did not answer, so the built-in engine replied." in response.text


def test_the_page_speaks_a_reply_as_the_api_says_it_should(
    browser_for: BrowserFor, client: TestClient, personas: tuple[Persona, Persona]
) -> None:
    message = "We keep paying for seats nobody uses, I hear you."
    exchange = browser_for(Role.CSM).post(
        "/chat/messages", data={"persona_id": personas[0].id, "message": message}
    )
    api = client.post(f"/api/chat/{personas[0].id}", json={"message": message}).json()

    spoken = dict(re.findall(r'data-speech-(\w+)="([^"]*)"', exchange.text))
    assert spoken == {
        "rate": str(api["speech"]["rate"]),
        "pitch": str(api["speech"]["pitch"]),
        "voice": str(api["speech"]["voice_index"]),
        "lang": "en",
    }


@pytest.fixture(scope="module")
def chat_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app served on a database with two personas."""
    folder = tmp_path_factory.mktemp("chat-server")
    settings = load_settings(
        database_url=f"sqlite:///{folder / 'chat.db'}", data_dir=folder, _env_file=None
    )
    engine = make_engine(settings.sqlalchemy_url)
    migrate.upgrade(engine)
    with session_scope(make_session_factory(engine)) as db_session:
        add_persona(db_session, "Budget Keepers", PRICE_MESSAGES)
        add_persona(db_session, "API Builders", TECH_MESSAGES)
        key = add_user_with_key(db_session, secret_key=settings.secret_key, role=Role.CSM)
    engine.dispose()
    with serve_in_thread(create_app(settings)) as url:
        yield LiveServer(url=url, keys={Role.CSM: key})


def test_a_csm_practises_a_scenario_in_the_browser(
    page: Page, chat_server: LiveServer, console: ConsoleWatch
) -> None:
    page.goto(chat_server.url + "/chat")
    page.get_by_label("API key").fill(chat_server.keys[Role.CSM])
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Scenario").select_option("renewal-negotiation")
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_label("Persona")).to_have_value("1")  # Carlos maps to Budget Keepers

    message = page.get_by_label("Message")
    message.fill("I understand, budgets are tight and that must be frustrating for your team.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_test_id("persona-turn")).to_have_count(2)
    expect(page.get_by_test_id("emotion")).not_to_have_text("—")
    expect(page.locator(".suggestion")).to_have_count(3)
    expect(message).to_have_value("")
    page.locator(".suggestion").first.click()
    expect(message).not_to_have_value("")

    turns = 2
    for move in (
        "I can offer a 10% discount and a credit note for the unused seats, confirmed by Friday.",
        "We will lock in the price for two years and review seats within 30 days.",
        "I appreciate your patience; I will send the signed quote by Friday.",
        "Thank you for your patience, I understand the pressure on your budget.",
    ):
        if page.get_by_label("Score card").count():
            break
        message.fill(move)
        page.get_by_role("button", name="Send").click()
        turns += 1
        expect(page.get_by_test_id("persona-turn")).to_have_count(turns)

    card = page.get_by_label("Score card")
    expect(card).to_be_visible()
    expect(page.get_by_test_id("goal-reached")).to_have_text("yes")
    expect(card).to_contain_text('"I understand, budgets are tight')
    expect(page.get_by_role("button", name="Send")).to_be_disabled()
    screenshot(page, "chat-score-card")


# Records what the page asks the browser to say, then lets the browser say it.
RECORD_UTTERANCES = """
window.utterances = [];
const speak = window.speechSynthesis.speak.bind(window.speechSynthesis);
window.speechSynthesis.speak = (utterance) => {
  window.utterances.push({text: utterance.text, rate: utterance.rate, pitch: utterance.pitch});
  speak(utterance);
};
"""


def test_replies_are_spoken_in_the_personas_voice_only_when_asked(
    page: Page, chat_server: LiveServer, console: ConsoleWatch
) -> None:
    page.add_init_script(RECORD_UTTERANCES)
    page.goto(chat_server.url + "/chat")
    page.get_by_label("API key").fill(chat_server.keys[Role.CSM])
    page.get_by_role("button", name="Log in").click()
    toggle = page.get_by_role("button", name="Speak replies")
    expect(toggle).to_have_attribute("aria-pressed", "false")  # silent until asked

    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(toggle).to_have_attribute("aria-pressed", "true")  # remembered in this browser
    message = page.get_by_label("Message")
    message.fill("Can we talk about the renewal price?")
    page.get_by_role("button", name="Send").click()
    turn = page.get_by_test_id("persona-turn").last
    expect(turn).to_be_visible()

    utterances = page.evaluate("window.utterances")
    assert len(utterances) == 1
    assert utterances[0]["text"] == turn.locator("p").inner_text()
    assert utterances[0]["rate"] == pytest.approx(float(turn.get_attribute("data-speech-rate")))
    assert utterances[0]["pitch"] == pytest.approx(float(turn.get_attribute("data-speech-pitch")))
    screenshot(page, "chat-speaking")

    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    message.fill("I can offer a 10% discount.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_test_id("persona-turn")).to_have_count(2)
    assert len(page.evaluate("window.utterances")) == 1  # muted: nothing more was queued
    page.reload()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    screenshot(page, "chat-muted")


@pytest.fixture(scope="module")
def local_chat_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[LocalModelChat, str]]:
    """The app set to a local model server, served, with that server replaying llama.cpp."""
    with (
        local_model_chat(tmp_path_factory.mktemp("local-chat-page")) as chat,
        serve_in_thread(chat.app) as url,
    ):
        yield chat, url


def test_a_local_models_reply_appears_on_the_page_with_its_name(
    page: Page,
    local_chat_server: tuple[LocalModelChat, str],
    console: ConsoleWatch,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chat, url = local_chat_server
    monkeypatch.setattr(chat.app.state.settings, "llm_model", "local-model")
    chat.model_server.play("llamacpp-completion")
    page.goto(url + "/chat")
    page.get_by_label("API key").fill(chat.csm_key)
    page.get_by_role("button", name="Log in").click()

    page.get_by_label("Message").fill("I can offer a 10% discount on the renewal.")
    page.get_by_role("button", name="Send").click()

    reply = page.get_by_test_id("persona-turn").last
    expect(reply).to_contain_text(
        "A discount is nice, but our renewal is in six weeks and nobody has called."
    )
    expect(page.get_by_test_id("written-by")).to_have_text(
        "Written by local-model on your local model server"
    )
    assert "Budget Keepers" in chat.model_server.requests[-1]["messages"][0]["content"]
    screenshot(page, "chat-local-model")
