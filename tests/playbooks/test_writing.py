"""LLM-written playbook templates, on recorded exchanges: used when valid, else the fallback."""

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.llm.client import LLMClient
from cspersona.llm.providers import OpenAICompatibleProvider
from cspersona.llm.retry import RetryPolicy
from cspersona.playbooks.context import message_context
from cspersona.playbooks.generation import generate
from cspersona.playbooks.models import Playbook
from cspersona.playbooks.rendering import render
from cspersona.playbooks.writing import SYSTEM_PROMPT
from tests.llm.replay import Replay
from tests.playbooks.test_generation import TODAY, _world


def client_for(replay: Replay, db_session: Session) -> LLMClient:
    provider = OpenAICompatibleProvider(
        model="playbook-test-model",
        api_key="k",
        base_url="http://127.0.0.1:11434/v1",
        timeout_seconds=5,
        http_client=replay.client(),
    )
    return LLMClient(
        provider, db_session=db_session, redact=lambda text: text, retry=RetryPolicy(retries=0)
    )


def test_the_llm_writes_the_templates_from_the_evidence(db_session: Session) -> None:
    book, _, casual = _world(db_session)
    replay = Replay("openai-playbook-templates")

    report = generate(
        db_session, by="ana", persona_ids=[casual.id], llm=client_for(replay, db_session)
    )

    (result,) = report.playbooks
    assert (result.action, result.source) == ("created", "llm")
    playbook = db_session.get(Playbook, result.playbook_id)
    assert playbook is not None and playbook.source == "llm"
    definition = playbook.definition
    assert definition.evidence[-1].source == "llm"
    assert "playbook-test-model" in definition.evidence[-1].text
    message = render(
        definition.steps[1].templates[0],
        message_context(db_session, book["Birch Health"], today=TODAY),
    )
    assert message.subject == "Your tickets, sorted"
    assert message.body.startswith("Hi Ben,\n\nI'm following your open tickets myself")
    sent = replay.requests[0]["messages"]
    assert sent[0] == {"role": "system", "content": SYSTEM_PROMPT}
    request = json.loads(sent[1]["content"])
    assert request["register"] == "casual, non-technical"
    assert any("1 of 2 members" in fact for fact in request["evidence"])
    assert [step["title"] for step in request["steps"]] == [step.title for step in definition.steps]


def test_an_answer_that_is_not_json_keeps_the_offline_templates(db_session: Session) -> None:
    _, _, casual = _world(db_session)
    replay = Replay("openai-playbook-prose")

    report = generate(
        db_session, by="ana", persona_ids=[casual.id], llm=client_for(replay, db_session)
    )

    (result,) = report.playbooks
    assert (result.action, result.source) == ("created", "template")
    assert result.note.startswith("The offline templates are used: the model's answer was not")
    assert "not JSON" in result.note
    playbook = db_session.scalars(select(Playbook)).one()
    assert playbook.source == "template"
    assert playbook.definition.steps[1].templates[0].subject == "Your open tickets"
    assert playbook.evidence[-1] == {"source": "llm", "text": result.note}


def test_templates_with_unknown_variables_fall_back(db_session: Session) -> None:
    _, _, casual = _world(db_session)
    replay = Replay("openai-playbook-unknown-variable")

    report = generate(
        db_session, by="ana", persona_ids=[casual.id], llm=client_for(replay, db_session)
    )

    assert report.playbooks[0].source == "template"
    assert report.playbooks[0].note == (
        "The offline templates are used: the model's answer was not usable: "
        "template uses unknown variable(s) account_manager."
    )


def test_a_failing_provider_falls_back(db_session: Session) -> None:
    _, _, casual = _world(db_session)
    replay = Replay("openai-rate-limited")

    report = generate(
        db_session, by="ana", persona_ids=[casual.id], llm=client_for(replay, db_session)
    )

    assert report.playbooks[0].source == "template"
    assert "the model could not be reached" in report.playbooks[0].note
