"""The chat history page: a user's own conversations, newest first, and scores over time."""

import re

import pytest

from cspersona.auth.models import Role
from cspersona.personas.models import Persona
from cspersona.web import chat_history
from tests.web.conftest import BrowserFor, start_conversation


def test_the_history_page_lists_conversations_and_scores_over_time(
    browser_for: BrowserFor, personas: tuple[Persona, Persona]
) -> None:
    csm = browser_for(Role.CSM)
    free = start_conversation(csm, personas[0], "Hi there.")
    run = start_conversation(csm, personas[1], "Let us look at limits.", scenario="feature-upsell")
    csm.post("/chat/end", data={"conversation_id": run})

    page = csm.get("/chat/history")
    rows = re.findall(r"<tr>(.*?)</tr>", page.text, re.S)[1:]

    assert page.status_code == 200
    assert [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[:2] for row in rows] == [
        ["API Builders", "Feature upsell"],
        ["Budget Keepers", "Free conversation"],
    ]
    assert f'href="/chat?conversation={run}">Read</a>' in rows[0]
    assert f'href="/chat?conversation={free}">Continue</a>' in rows[1]
    assert '<td data-testid="conversation-outcome">ended early</td>' in rows[0]
    assert re.search(r'data-testid="conversation-score">[\d.]+/100</td>', rows[0])
    assert '<td data-testid="conversation-outcome">—</td>' in rows[1]
    assert "<strong>Feature upsell</strong>:" in page.text  # scores over time
    assert 'aria-label="Your practice scores over time, one line per scenario"' in page.text


def test_the_history_page_pages_with_htmx(
    browser_for: BrowserFor, personas: tuple[Persona, Persona], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chat_history, "CONVERSATIONS_PER_PAGE", 1)
    csm = browser_for(Role.CSM)
    start_conversation(csm, personas[0], "First.")
    start_conversation(csm, personas[1], "Second.")

    second_page = csm.get("/chat/history", params={"page": 2}, headers={"HX-Request": "true"})

    assert "<html" not in second_page.text
    assert "Budget Keepers" in second_page.text and "API Builders" not in second_page.text
    assert "2–2 of 2" in second_page.text


def test_without_conversations_the_history_says_how_to_start(browser_for: BrowserFor) -> None:
    page = browser_for(Role.CSM).get("/chat/history").text

    assert "No conversations yet" in page and "No practice runs yet" in page
