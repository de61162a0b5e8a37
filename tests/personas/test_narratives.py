"""LLM-written persona narratives: the prompt holds the profile, failures keep the template."""

import json

from sqlalchemy.orm import Session

from cspersona.llm.client import LLMClient
from cspersona.llm.providers import OpenAICompatibleProvider
from cspersona.llm.retry import RetryPolicy
from cspersona.personas.narratives import SYSTEM_PROMPT, profile_summary, written_narrative
from cspersona.personas.profile_schema import PersonaProfile
from tests.llm.replay import Replay

EVIDENCE = {"feature": "topic_share_4_billing", "persona_mean": 0.3, "book_mean": 0.1, "z": 1.2}
PROFILE = PersonaProfile.model_validate(
    {
        "name": "Cost-Conscious Carlos",
        "customers": 50,
        "share": {"customers": 0.2, "arr": 0.12, "arr_total": 1_200_000.0},
        "dimensions": {
            "formality": {
                "title": "Communication style",
                "value": "casual",
                "confidence": 0.7,
                "evidence": [EVIDENCE | {"points_to": "low"}],
            },
        },
        "mbti": {"type": "ISTJ", "axes": []},
        "top_topics": [{"topic": "billing", **EVIDENCE}],
        "quotes": [{"text": "not part of the prompt"}],
    }
)


def client_for(replay: Replay, db_session: Session) -> LLMClient:
    provider = OpenAICompatibleProvider(
        model="narrative-test-model",
        api_key="k",
        base_url="http://127.0.0.1:11434/v1",
        timeout_seconds=5,
        http_client=replay.client(),
    )
    return LLMClient(
        provider,
        db_session=db_session,
        redact=lambda text: text,
        retry=RetryPolicy(retries=0),
    )


def test_the_summary_keeps_facts_and_drops_evidence_and_quotes() -> None:
    summary = json.loads(profile_summary(PROFILE))

    assert summary["dimensions"] == {"formality": {"value": "casual", "confidence": 0.7}}
    assert summary["mbti"] == "ISTJ"
    assert summary["top_topics"] == ["billing"]
    assert "quotes" not in summary
    assert "topic_share" not in json.dumps(summary)  # no raw feature names reach the model


def test_the_llm_writes_the_narrative_from_the_profile(db_session: Session) -> None:
    replay = Replay("openai-persona-narrative")

    text = written_narrative(PROFILE, client=client_for(replay, db_session))

    assert text is not None and text.startswith("Cost-Conscious Carlos speaks for")
    messages = replay.requests[0]["messages"]
    assert messages[0] == {"role": "system", "content": SYSTEM_PROMPT}
    assert json.loads(messages[1]["content"])["name"] == "Cost-Conscious Carlos"


def test_a_failing_provider_leaves_the_template(db_session: Session) -> None:
    replay = Replay("openai-rate-limited")

    assert written_narrative(PROFILE, client=client_for(replay, db_session)) is None
