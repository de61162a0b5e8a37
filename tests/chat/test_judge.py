"""The LLM judge: a rubric, a JSON rating read wherever it is, one retry, then an error."""

import pytest
from sqlalchemy.orm import Session

from cspersona.chat.judge import (
    RUBRIC,
    JudgeAnswerError,
    Rating,
    parse_rating,
    rate_conversation,
    summary_of,
)
from cspersona.llm.client import LLMClient
from cspersona.llm.providers import LocalServerProvider
from tests.chat.conftest import PRICE_CHARACTER
from tests.llm.replay import Replay

TRANSCRIPT = (
    ("persona", "The renewal quote is well above our budget for next year."),
    ("csm", "I can offer a 10% discount if you renew this month."),
    ("persona", "Ten percent is a start, but we pay for 40 seats and use 25."),
)
SUMMARY = "Budget Keepers: very price-sensitive, formal; worried most about pricing and renewal."


def judge(replay: Replay, db_session: Session) -> LLMClient:
    """A client for a judge model on an Ollama server, answered from ``replay``."""
    provider = LocalServerProvider(
        model="llama3.1",
        api_key=None,
        base_url="http://127.0.0.1:11434/v1",
        timeout_seconds=5,
        http_client=replay.client(),
    )
    return LLMClient(provider, db_session=db_session, redact=str)


def test_the_judge_reads_the_rubric_the_character_and_the_transcript(
    db_session: Session,
) -> None:
    replay = Replay("judge-rating")

    rating = rate_conversation(judge(replay, db_session), SUMMARY, TRANSCRIPT)

    assert (rating.believability, rating.persona_consistency) == (4, 5)
    assert rating.believability_reason.startswith("The customer answers each offer")
    system, request = replay.requests[0]["messages"]
    assert system == {"role": "system", "content": RUBRIC}
    assert f"The customer should be: {SUMMARY}" in request["content"]
    assert "CSM: I can offer a 10% discount" in request["content"]
    assert "Customer: Ten percent is a start" in request["content"]


def test_a_rating_wrapped_in_prose_and_a_code_fence_is_read(db_session: Session) -> None:
    rating = rate_conversation(
        judge(Replay("judge-rating-fenced"), db_session), SUMMARY, TRANSCRIPT
    )

    assert (rating.believability, rating.persona_consistency) == (3, 5)


def test_an_unreadable_answer_is_sent_back_once_with_the_reason(db_session: Session) -> None:
    replay = Replay("judge-rating-prose", "judge-rating")

    rating = rate_conversation(judge(replay, db_session), SUMMARY, TRANSCRIPT)

    assert rating.believability == 4
    retry = replay.requests[1]["messages"]
    assert retry[2]["role"] == "assistant" and retry[2]["content"].startswith("Believability: 4/5")
    assert "it holds no JSON object" in retry[3]["content"]


def test_two_unreadable_answers_are_a_clear_error(db_session: Session) -> None:
    replay = Replay("judge-rating-prose", "judge-rating-prose")

    with pytest.raises(JudgeAnswerError) as raised:
        rate_conversation(judge(replay, db_session), SUMMARY, TRANSCRIPT)

    assert "answered twice without a valid rating (it holds no JSON object)" in raised.value.message
    assert "'Believability: 4/5 {mostly natural}." in raised.value.message


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        (
            '{"believability": 7, "believability_reason": "x", "persona_consistency": 3, '
            '"persona_consistency_reason": "y"}',
            "believability: Input should be less than or equal to 5",
        ),
        (
            '{"believability": 4, "believability_reason": "x"}',
            "persona_consistency: Field required",
        ),
        ("[4, 5]", "it holds no JSON object"),
    ],
)
def test_an_answer_that_is_not_a_rating_says_what_is_wrong(answer: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_rating(answer)


def test_scores_given_as_text_are_read_as_numbers() -> None:
    answer = (
        '{"believability": "5", "believability_reason": "Natural.", '
        '"persona_consistency": "4", "persona_consistency_reason": "Mostly in character."}'
    )

    assert parse_rating(answer) == Rating(
        believability=5,
        believability_reason="Natural.",
        persona_consistency=4,
        persona_consistency_reason="Mostly in character.",
    )


def test_a_characters_summary_describes_it_in_words() -> None:
    assert summary_of(PRICE_CHARACTER) == (
        "Budget Keepers: very price-sensitive, not technical, formal, impatient; worried most "
        "about pricing and renewal, reports and exports."
    )
