"""The chat page: pickers, exchanges, "End and score", reopening, custom scenarios."""

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from markupsafe import escape
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from cspersona.api.app import create_app
from cspersona.auth.models import Role
from cspersona.chat import scenario_store, service, streaming
from cspersona.chat.scenarios import parse_scenario
from cspersona.config import Settings, load_settings
from cspersona.db import migrate
from cspersona.db.engine import make_engine, make_session_factory, session_scope
from cspersona.llm.client import LLMClient
from cspersona.llm.prompt import Prompt, Usage
from cspersona.llm.providers import ProviderError, ProviderTimeout
from cspersona.personas.models import Persona
from cspersona.web import chat
from tests.chat.conftest import (
    PRICE_MESSAGES,
    PRICE_RISE_SCENARIO,
    TECH_MESSAGES,
    LocalModelChat,
    add_persona,
    local_model_chat,
    timing_out_client,
)
from tests.conftest import add_user_with_key
from tests.llm.test_client import ScriptedProvider
from tests.web.browser import ConsoleWatch, screenshot, serve_in_thread
from tests.web.conftest import BrowserFor, LiveServer, start_conversation

WIDE = {"width": 1440, "height": 900}


def test_the_page_offers_personas_and_scenarios(
    browser_for: BrowserFor, personas: tuple[Persona, Persona]
) -> None:
    page = browser_for(Role.CSM).get("/chat", params={"scenario": "feature-upsell"})

    assert page.status_code == 200
    assert "Budget Keepers" in page.text
    assert (
        "Feature upsell with a technical customer hitting the API&#39;s rate limits"
        " · best fit: API Builders"
    ) in page.text
    assert f'name="persona_id" value="{personas[1].id}"' in page.text  # the technical persona
    assert ">API Builders (best fit)</option>" in page.text
    assert "You are talking to <strong>API Builders</strong>, the persona that fits" in page.text
    assert "we keep hitting 429s" in page.text  # the scenario's opening line
    assert 'href="/chat/history"' in page.text


@pytest.mark.parametrize(
    ("shown", "chosen", "expected", "why"),
    [
        (0, 0, 1, "the persona that fits this customer best"),  # picker untouched: best fit
        (1, 0, 0, "the persona you chose (API Builders fits this customer best)"),
    ],
    ids=["picker left alone", "picker changed"],
)
def test_a_scenario_keeps_its_best_fit_unless_the_persona_was_changed(
    browser_for: BrowserFor,
    personas: tuple[Persona, Persona],
    shown: int,
    chosen: int,
    expected: int,
    why: str,
) -> None:
    page = browser_for(Role.CSM).get(
        "/chat",
        params={
            "scenario": "feature-upsell",
            "persona": personas[chosen].id,
            "shown_persona": personas[shown].id,
        },
    )

    assert f'name="persona_id" value="{personas[expected].id}"' in page.text
    assert f"<strong>{personas[expected].name}</strong>, {why}." in page.text


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
    monkeypatch.setattr(service, "client_from_settings", timing_out_client)

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
        keys = {
            role: add_user_with_key(db_session, secret_key=settings.secret_key, role=role)
            for role in (Role.CSM, Role.ANALYST)
        }
    engine.dispose()
    with serve_in_thread(create_app(settings)) as url:
        yield LiveServer(url=url, keys=keys)


def log_in(page: Page, server: LiveServer, role: Role) -> None:
    """Open the chat page as ``role``, through the login page."""
    page.set_viewport_size(WIDE)
    page.goto(server.url + "/chat")
    page.get_by_label("API key").fill(server.keys[role])
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Talk to a persona")).to_be_visible()


def test_a_csm_practises_a_scenario_in_the_browser(
    page: Page, chat_server: LiveServer, console: ConsoleWatch
) -> None:
    log_in(page, chat_server, Role.CSM)
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


def page_client(chat: LocalModelChat, key: str) -> TestClient:
    """A client of the local model's app logged in to the pages with ``key``."""
    client = TestClient(chat.app, base_url="https://testserver", follow_redirects=False)
    assert client.post("/login", data={"api_key": key}).status_code == 303
    return client


def events_of(response: Response) -> list[tuple[str, str]]:
    """The server-sent events of a response: each one's name and data."""
    events = []
    for block in filter(None, response.text.split("\n\n")):
        name, *data = block.split("\n")
        events.append((name.removeprefix("event: "), "\n".join(line[6:] for line in data)))
    return events


def stored_reply(chat: LocalModelChat, exchange_html: str) -> str:
    """The persona's last turn as the database holds it, for the exchange's conversation."""
    conversation_id = re.findall(r'id="conversation-id" value="(\d+)"', exchange_html)[0]
    conversation = chat.api().get(f"/api/chat/conversations/{conversation_id}").json()
    return str(conversation["turns"][-1]["text"])


PIECES = ["A discount", " is nice, but", " nobody has called."]  # llama.cpp's recorded stream


def test_the_stream_route_sends_the_models_pieces_then_the_exchange_as_stored(
    local_chat_server: tuple[LocalModelChat, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    chat, _ = local_chat_server
    monkeypatch.setattr(chat.app.state.settings, "llm_model", "local-model")
    chat.model_server.play("llamacpp-stream")
    form = {"persona_id": chat.persona_id, "message": "Shall we talk about your seats?"}

    response = page_client(chat, chat.csm_key).post("/chat/messages/stream", data=form)

    assert response.headers["content-type"].startswith("text/event-stream")
    events = events_of(response)
    assert [name for name, _ in events] == ["token", "token", "token", "exchange"]
    assert [data for _, data in events[:3]] == [
        "A discount",
        " is nice, but",
        " nobody has called.",
    ]
    exchange = events[-1][1]
    assert exchange.count('class="turn') == 2
    assert "<p>Shall we talk about your seats?</p>" in exchange
    assert "<p>A discount is nice, but nobody has called.</p>" in exchange
    assert "Written by local-model on your local model server" in exchange
    assert 'id="indicators"' in exchange and exchange.count('class="suggestion"') == 3
    assert stored_reply(chat, exchange) == "A discount is nice, but nobody has called."


def test_another_users_conversation_is_not_continued_through_the_stream_route(
    local_chat_server: tuple[LocalModelChat, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    chat, _ = local_chat_server
    monkeypatch.setattr(chat.app.state.settings, "llm_model", "local-model")
    chat.model_server.play("llamacpp-stream")
    form = {"persona_id": chat.persona_id, "message": "Our private talk about seats."}
    mine = events_of(page_client(chat, chat.csm_key).post("/chat/messages/stream", data=form))
    conversation_id = re.findall(r'id="conversation-id" value="(\d+)"', mine[-1][1])[0]
    with session_scope(make_session_factory(chat.engine)) as db_session:
        other_key = add_user_with_key(
            db_session, secret_key=chat.app.state.settings.secret_key, role=Role.CSM
        )
    asked = len(chat.model_server.requests)

    refused = page_client(chat, other_key).post(
        "/chat/messages/stream",
        data={**form, "message": "Let me in.", "conversation_id": conversation_id},
    )

    assert refused.status_code == 404
    assert "event:" not in refused.text and "seats" not in refused.text
    assert len(chat.model_server.requests) == asked  # the model was never asked


class BreakingProvider(ScriptedProvider):
    """Starts its answer, then fails: a model server that stopped mid-reply."""

    def stream(self, prompt: Prompt) -> Iterator[str | Usage]:
        yield "A discount"
        raise ProviderError("the local model server stopped answering")


def scripted(provider: ScriptedProvider) -> Callable[..., LLMClient]:
    """A stand-in for ``client_from_settings`` whose client asks ``provider``."""

    def client(settings: Settings, *, db_session: Session) -> LLMClient:
        return LLMClient(provider, db_session=db_session, redact=str, sleep=lambda _: None)

    return client


FALLBACK_LINE = "The language model did not answer, so the built-in engine replied."


def test_a_model_that_fails_before_any_text_streams_the_built_in_reply_and_says_so(
    local_chat_server: tuple[LocalModelChat, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    chat, _ = local_chat_server
    timeouts = ScriptedProvider(*[ProviderTimeout("the model did not answer in time")] * 3)
    monkeypatch.setattr(streaming, "client_from_settings", scripted(timeouts))
    form = {"persona_id": chat.persona_id, "message": "Hello, anyone there?"}

    events = events_of(page_client(chat, chat.csm_key).post("/chat/messages/stream", data=form))

    assert [name for name, _ in events] == ["token", "exchange"]
    exchange = events[-1][1]
    assert FALLBACK_LINE in exchange
    assert f"<p>{escape(events[0][1])}</p>" in exchange
    assert stored_reply(chat, exchange) == events[0][1]


@pytest.mark.parametrize("fallback", ["offline", "none"])
def test_a_model_that_stops_mid_reply_leaves_the_built_in_reply_or_an_error(
    local_chat_server: tuple[LocalModelChat, str],
    monkeypatch: pytest.MonkeyPatch,
    fallback: str,
) -> None:
    chat, _ = local_chat_server
    monkeypatch.setattr(chat.app.state.settings, "llm_fallback", fallback)
    monkeypatch.setattr(streaming, "client_from_settings", scripted(BreakingProvider("")))
    form = {"persona_id": chat.persona_id, "message": f"Tell me more ({fallback})."}

    events = events_of(page_client(chat, chat.csm_key).post("/chat/messages/stream", data=form))

    assert events[0] == ("token", "A discount")
    if fallback == "none":
        assert events[1:] == [("error", "the local model server stopped answering")]
        return
    exchange = events[1][1]
    assert FALLBACK_LINE in exchange
    assert f"<p>{escape(stored_reply(chat, exchange))}</p>" in exchange  # what the chat holds


# Records each text of the persona's turn as it streams in, and whether Send was disabled then.
RECORD_STREAMED_TEXT = """
window.streamed = [];
window.sendDisabled = [];
new MutationObserver((records) => {
  for (const record of records) {
    if (record.target instanceof Element && record.target.closest(".turn.writing")) {
      for (const node of record.addedNodes) {
        window.streamed.push(node.textContent);
        window.sendDisabled.push(document.querySelector("#chat-form [type=submit]").disabled);
      }
    }
  }
}).observe(document, {childList: true, subtree: true});
localStorage.setItem("cspersona.speakReplies", "on");
"""


def test_a_local_models_reply_streams_into_the_page_with_its_name(
    page: Page,
    local_chat_server: tuple[LocalModelChat, str],
    console: ConsoleWatch,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chat, url = local_chat_server
    monkeypatch.setattr(chat.app.state.settings, "llm_model", "local-model")
    page.add_init_script(RECORD_STREAMED_TEXT)
    page.add_init_script(RECORD_UTTERANCES)
    posted: list[str] = []
    page.on("request", lambda request: posted.append(f"{request.method} {request.url}"))
    page.set_viewport_size(WIDE)
    page.goto(url + "/chat")
    page.get_by_label("API key").fill(chat.csm_key)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Scenario").select_option("renewal-negotiation")
    page.get_by_role("button", name="Start").click()
    message = page.get_by_label("Message")

    # The network fails: a short message in the conversation, the message kept to send again.
    console.expect("net::ERR_FAILED")
    page.route("**/chat/messages/stream", lambda route: route.abort())
    message.fill("I can offer a 10% discount on the renewal.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert")).to_have_text("The reply could not be loaded; try again.")
    expect(page.get_by_test_id("persona-turn")).to_have_count(1)  # the scenario's opening
    expect(message).to_have_value("I can offer a 10% discount on the renewal.")
    screenshot(page, "chat-stream-failed")
    page.unroute("**/chat/messages/stream")

    chat.model_server.play("llamacpp-stream")
    page.get_by_role("button", name="Send").click()
    reply = page.get_by_test_id("persona-turn").last
    expect(reply).to_contain_text("A discount is nice, but nobody has called.")
    expect(page.get_by_test_id("written-by")).to_have_text(
        "Written by local-model on your local model server"
    )
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(message).to_have_value("")
    expect(page.get_by_role("button", name="Send")).to_be_enabled()
    assert page.evaluate("window.streamed") == [
        "A discount",
        "A discount is nice, but",
        "A discount is nice, but nobody has called.",
    ]
    assert page.evaluate("window.sendDisabled") == [True, True, True]
    assert posted.count(f"POST {url}/chat/messages/stream") == 2  # the failed try, then this
    assert f"POST {url}/chat/messages" not in posted
    assert [spoken["text"] for spoken in page.evaluate("window.utterances")] == [
        "A discount is nice, but nobody has called."
    ]
    assert "Budget Keepers" in chat.model_server.requests[-1]["messages"][0]["content"]
    screenshot(page, "chat-local-model-streamed")

    # The exchange's out-of-band parts were swapped in and work: "End and score" scores the run.
    page.get_by_role("button", name="End and score").click()
    expect(page.get_by_test_id("outcome")).to_have_text("ended early")
    expect(page.get_by_role("button", name="Send")).to_be_disabled()


def test_end_and_score_shows_the_card_in_place_and_lists_the_run_as_ended_early(
    browser_for: BrowserFor, personas: tuple[Persona, Persona]
) -> None:
    csm = browser_for(Role.CSM)
    page = csm.get("/chat", params={"scenario": "renewal-negotiation"}).text
    started = csm.post(
        "/chat/messages",
        data={
            "persona_id": personas[0].id,
            "message": "We'll see, hopefully soon.",
            "scenario": "renewal-negotiation",
        },
        headers={"HX-Request": "true"},
    ).text
    conversation_id = int(re.findall(r'id="conversation-id" value="(\d+)"', started)[0])

    ended = csm.post(
        "/chat/end", data={"conversation_id": conversation_id}, headers={"HX-Request": "true"}
    )
    again = csm.post(
        "/chat/end", data={"conversation_id": conversation_id}, headers={"HX-Request": "true"}
    )

    assert 'id="end-run"' in page and "disabled" in page.split('id="end-run"')[1].split(">")[0]
    assert 'id="end-run"' in started  # enabled once the run has started
    assert ended.status_code == 200
    assert '<section id="score-card" class="score-card" aria-label="Score card">' in ended.text
    assert '<dd data-testid="outcome">ended early</dd>' in ended.text
    assert '<dd data-testid="card-persona">Budget Keepers</dd>' in ended.text
    assert '<dd data-testid="stance">unconvinced</dd>' in ended.text  # a vague first turn
    assert "<h3>Left unanswered</h3>" in ended.text  # the objection raised on the first turn
    assert "was never answered: " in ended.text
    assert '<fieldset id="composer" hx-swap-oob="true" disabled>' in ended.text
    assert re.search(
        r"Renewal negotiation</a> with Budget Keepers: [\d.]+/100, ended early", ended.text
    )
    assert again.status_code == 409


def test_a_reopened_conversation_shows_its_transcript_and_continues(
    browser_for: BrowserFor, personas: tuple[Persona, Persona]
) -> None:
    csm = browser_for(Role.CSM)
    conversation_id = start_conversation(csm, personas[1], "Our webhooks keep failing at night.")

    page = csm.get("/chat", params={"conversation": conversation_id}).text

    assert "Our webhooks keep failing at night." in page
    assert f'id="conversation-id" value="{conversation_id}"' in page
    assert f'name="persona_id" value="{personas[1].id}"' in page
    assert "carry on where you stopped" in page
    assert '<fieldset id="composer">' in page  # open: the conversation continues
    assert page.count('class="suggestion"') == 3  # the last reply's suggestions


def test_a_finished_run_reopens_read_only_with_its_score_card(
    browser_for: BrowserFor, personas: tuple[Persona, Persona]
) -> None:
    csm = browser_for(Role.CSM)
    conversation_id = start_conversation(csm, personas[0], "Hello.", scenario="renewal-negotiation")
    csm.post("/chat/end", data={"conversation_id": conversation_id})

    page = csm.get("/chat", params={"conversation": conversation_id}).text

    assert "this run is over, so its transcript and score card are read-only" in page
    assert "Hello." in page and "price per seat is hard to justify" in page  # the opening
    assert '<fieldset id="composer" disabled>' in page
    assert '<dd data-testid="outcome">ended early</dd>' in page
    assert 'id="end-run"' not in page


def test_a_run_of_a_since_removed_scenario_reopens_read_only(
    browser_for: BrowserFor, personas: tuple[Persona, Persona], db_session: Session
) -> None:
    scenario_store.create_scenario(
        db_session=db_session, scenario=parse_scenario(PRICE_RISE_SCENARIO), user_id=None
    )
    csm = browser_for(Role.CSM)
    conversation_id = start_conversation(csm, personas[0], "Hello.", scenario="price-rise")
    scenario_store.delete_scenario(db_session=db_session, name="price-rise")

    page = csm.get("/chat", params={"conversation": conversation_id}).text

    assert "<strong>Price rise</strong>, a scenario since removed, with Budget Keepers." in page
    assert "its scenario was removed, so the transcript is read-only" in page
    assert '<fieldset id="composer" disabled>' in page and "Hello." in page


def test_another_users_conversation_is_not_found_on_the_page(
    browser_for: BrowserFor, personas: tuple[Persona, Persona]
) -> None:
    conversation_id = start_conversation(browser_for(Role.CSM), personas[0], "Private words.")

    other = browser_for(Role.CSM)
    page = other.get("/chat", params={"conversation": conversation_id})
    listed = other.get("/chat/history")
    ended = other.post("/chat/end", data={"conversation_id": conversation_id})

    assert page.status_code == 404 and "Private words." not in page.text
    assert "Private words." not in listed.text and "No conversations yet" in listed.text
    assert ended.status_code == 404


def test_only_analysts_and_admins_see_the_new_scenario_form(
    browser_for: BrowserFor, personas: tuple[Persona, Persona]
) -> None:
    assert "New scenario" in browser_for(Role.ANALYST).get("/chat").text
    assert "New scenario" in browser_for(Role.ADMIN).get("/chat").text
    assert "New scenario" not in browser_for(Role.CSM).get("/chat").text


def test_an_analyst_saves_a_scenario_from_the_page_and_a_csm_practises_it(
    browser_for: BrowserFor, personas: tuple[Persona, Persona]
) -> None:
    saved = browser_for(Role.ANALYST).post(
        "/chat/scenarios", data={"document": PRICE_RISE_SCENARIO}, headers={"HX-Request": "true"}
    )
    csm_page = browser_for(Role.CSM).get("/chat", params={"scenario": "price-rise"}).text

    assert saved.status_code == 200
    assert "Saved <strong>Price rise</strong> with a long-standing customer" in saved.text
    assert "it runs against Budget Keepers" in saved.text
    assert 'href="/chat?scenario=price-rise"' in saved.text
    assert "Why is our price going up 8%?" in csm_page
    assert "You are talking to <strong>Budget Keepers</strong>" in csm_page


@pytest.mark.parametrize(
    ("document", "status", "message"),
    [
        ("name: [unclosed", 400, "the scenario is not valid YAML (line 1)"),
        (PRICE_RISE_SCENARIO.replace("title: Price rise\n", ""), 422, "title: Field required"),
        (PRICE_RISE_SCENARIO.replace("price-rise", "onboarding"), 409, "is built in"),
    ],
    ids=["not YAML", "missing title", "built-in name"],
)
def test_a_faulty_scenario_from_the_page_is_one_line_under_the_form(
    browser_for: BrowserFor, document: str, status: int, message: str
) -> None:
    response = browser_for(Role.ANALYST).post(
        "/chat/scenarios", data={"document": document}, headers={"HX-Request": "true"}
    )

    assert response.status_code == status
    assert "<html" not in response.text
    assert 'data-testid="scenario-error">' in response.text and message in response.text


def test_a_csm_may_not_save_a_scenario_from_the_page(browser_for: BrowserFor) -> None:
    response = browser_for(Role.CSM).post("/chat/scenarios", data={"document": PRICE_RISE_SCENARIO})

    assert response.status_code == 403
    assert "role csm may not manage scenarios" in response.text


def test_the_example_scenario_of_the_form_is_valid() -> None:
    assert parse_scenario(chat.SCENARIO_EXAMPLE).name == "price-rise"


def test_a_csm_keeps_or_changes_the_best_fit_ends_early_and_finds_the_run_in_the_history(
    page: Page, chat_server: LiveServer, console: ConsoleWatch
) -> None:
    log_in(page, chat_server, Role.CSM)
    persona = page.get_by_label("Persona")
    playing = page.get_by_test_id("playing")

    # The picker was left alone: the scenario brings its best-fitting persona, marked and named.
    page.get_by_label("Scenario").select_option("feature-upsell")
    expect(persona).to_have_value("2")
    expect(page.locator("#persona-picker option:checked")).to_have_text("API Builders (best fit)")
    page.get_by_role("button", name="Start").click()
    expect(playing).to_have_text(
        "You are talking to API Builders, the persona that fits this customer best."
    )
    expect(page.get_by_test_id("satisfaction")).to_have_text("0.45")  # the scenario's mood
    expect(page.get_by_test_id("trust")).to_have_text("0.50")
    expect(page.get_by_role("button", name="End and score")).to_be_disabled()
    screenshot(page, "chat-scenario-best-fit")

    # The CSM picks another persona: the run is with it, and the page says whom fits best.
    persona.select_option("1")
    page.get_by_role("button", name="Start").click()
    expect(playing).to_have_text(
        "You are talking to Budget Keepers, the persona you chose "
        "(API Builders fits this customer best)."
    )
    page.get_by_label("Message").fill("I can set up a trial of higher limits by Friday.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_test_id("persona-turn")).to_have_count(2)

    page.get_by_role("button", name="End and score").click()
    card = page.get_by_label("Score card")
    expect(card).to_be_visible()
    expect(page.get_by_test_id("card-persona")).to_have_text("Budget Keepers")
    expect(page.get_by_test_id("outcome")).to_have_text("ended early")
    expect(page.get_by_role("button", name="Send")).to_be_disabled()
    expect(page.get_by_role("button", name="End and score")).to_have_count(0)
    expect(page.locator(".suggestion")).to_have_count(0)  # nothing more to ask
    score = card.get_by_role("heading", level=2).inner_text().removeprefix("Score card: ")
    expect(page.locator(".runs li").first).to_have_text(
        f"Feature upsell with Budget Keepers: {score}, ended early"
    )
    conversation_id = page.locator("#conversation-id").input_value()
    screenshot(page, "chat-ended-early")

    page.get_by_role("link", name="History", exact=True).click()
    row = page.locator("#conversation-table tbody tr").filter(
        has=page.locator(f'a[href="/chat?conversation={conversation_id}"]')
    )
    expect(row.locator("td")).to_have_text(
        [
            "Budget Keepers",
            "Feature upsell",
            re.compile(r"UTC$"),
            "1",
            "ended early",
            score,
            "Read",
        ]
    )
    expect(page.get_by_test_id("score-history")).to_contain_text("Feature upsell")
    expect(page.locator(".chart .main-svg").first).to_be_attached()  # Plotly drew the scores
    screenshot(page, "chat-history")

    row.get_by_role("link", name="Read").click()
    expect(page.get_by_test_id("reopened")).to_contain_text("read-only")
    expect(page.locator("#history")).to_contain_text("I can set up a trial of higher limits")
    expect(page.locator("#history")).to_contain_text("we keep hitting 429s")
    expect(page.get_by_test_id("card-persona")).to_have_text("Budget Keepers")
    expect(page.get_by_role("button", name="Send")).to_be_disabled()
    screenshot(page, "chat-reopened-run")


def test_an_analyst_adds_a_scenario_from_the_page(
    page: Page, chat_server: LiveServer, console: ConsoleWatch
) -> None:
    console.expect("status of 422")  # the faulty scenario's answer, shown under the form
    log_in(page, chat_server, Role.ANALYST)
    page.get_by_text("New scenario").click()
    box = page.get_by_label("Scenario in YAML")
    expect(box).to_have_attribute("placeholder", re.compile("name: price-rise"))

    box.fill(PRICE_RISE_SCENARIO.replace("title: Price rise\n", ""))
    page.get_by_role("button", name="Save scenario").click()
    expect(page.get_by_test_id("scenario-error")).to_have_text(
        "the scenario: title: Field required"
    )
    box.fill(PRICE_RISE_SCENARIO.replace("price-rise", "price-rise-browser"))
    page.get_by_role("button", name="Save scenario").click()
    expect(page.get_by_test_id("scenario-saved")).to_contain_text(
        "Saved Price rise with a long-standing customer surprised by a price rise; "
        "it runs against Budget Keepers."
    )
    screenshot(page, "chat-new-scenario")

    page.get_by_role("link", name="Practise it now").click()
    expect(page.get_by_test_id("playing")).to_contain_text("Budget Keepers")
    expect(page.locator("#history")).to_contain_text("Why is our price going up 8%?")
