"""The LLM client: PII never leaves, equal prompts are answered once, failures are retried."""

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.config import load_settings
from cspersona.llm.client import LLMClient, Pricing
from cspersona.llm.models import LLMCall
from cspersona.llm.prompt import Prompt, Turn, Usage
from cspersona.llm.providers import LLMProvider, ProviderBusy, ProviderError
from cspersona.llm.retry import RetryPolicy
from cspersona.pii.anonymizer import PiiRedactor


class ScriptedProvider(LLMProvider):
    """A provider whose answers and failures are given in advance, recording what it was sent."""

    name = "scripted"

    def __init__(self, *outcomes: str | ProviderError) -> None:
        super().__init__(model="scripted-model")
        self.outcomes = list(outcomes)
        self.prompts: list[Prompt] = []

    def _next(self, prompt: Prompt) -> str:
        self.prompts.append(prompt)
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, ProviderError):
            raise outcome
        return outcome

    def complete(self, prompt: Prompt) -> tuple[str, Usage]:
        return self._next(prompt), Usage(input_tokens=1000, output_tokens=500)

    def stream(self, prompt: Prompt) -> Iterator[str | Usage]:
        words = re.findall(r"\S+\s*", self._next(prompt))
        yield from words
        yield Usage(input_tokens=10, output_tokens=len(words))


def make_client(provider: LLMProvider, db_session: Session, **options: object) -> LLMClient:
    redactor = PiiRedactor.from_settings(load_settings(), operator="replace")
    return LLMClient(
        provider,
        db_session=db_session,
        redact=redactor.redact,
        retry=RetryPolicy(retries=2, base_delay=0.01),
        sleep=lambda seconds: None,
        **options,  # type: ignore[arg-type]
    )


PROMPT = Prompt(system="You are a customer.", turns=(Turn("user", "How is the rollout going?"),))


def test_pii_is_replaced_before_the_provider_sees_it(db_session: Session) -> None:
    provider = ScriptedProvider("Fine.")
    prompt = Prompt(
        system="Customer contact: jane.doe@example.com, +1 415 555 0134.",
        turns=(Turn("user", "Please call Jane Doe at +1 415 555 0134."),),
    )

    make_client(provider, db_session).complete(prompt)

    sent = provider.prompts[0]
    sent_text = sent.system + " ".join(turn.content for turn in sent.turns)
    assert "jane.doe@example.com" not in sent_text
    assert "555 0134" not in sent_text
    stored = db_session.scalars(select(LLMCall)).one()
    assert "jane.doe@example.com" not in str(stored.prompt)


def test_the_same_prompt_is_answered_from_the_cache(db_session: Session) -> None:
    provider = ScriptedProvider("First answer.")
    client = make_client(provider, db_session)

    first = client.complete(PROMPT)
    second = client.complete(PROMPT)

    assert (first.text, first.cached) == ("First answer.", False)
    assert (second.text, second.cached, second.cost_usd) == ("First answer.", True, 0.0)
    assert len(provider.prompts) == 1
    calls = db_session.scalars(select(LLMCall).order_by(LLMCall.id)).all()
    assert [call.cached for call in calls] == [False, True]


def test_a_different_prompt_is_not_a_cache_hit(db_session: Session) -> None:
    provider = ScriptedProvider("One.", "Two.")
    client = make_client(provider, db_session)

    client.complete(PROMPT)
    other = client.complete(Prompt(system=PROMPT.system, turns=(Turn("user", "And billing?"),)))

    assert other.text == "Two."


def test_retryable_failures_are_retried_then_succeed(db_session: Session) -> None:
    provider = ScriptedProvider(ProviderBusy("429"), ProviderBusy("529"), "Third time lucky.")

    completion = make_client(provider, db_session).complete(PROMPT)

    assert completion.text == "Third time lucky."
    assert len(provider.prompts) == 3


def test_retries_stop_at_the_policy_limit(db_session: Session) -> None:
    provider = ScriptedProvider(*[ProviderBusy("busy")] * 3)

    with pytest.raises(ProviderBusy):
        make_client(provider, db_session).complete(PROMPT)

    assert len(provider.prompts) == 3
    assert db_session.scalars(select(LLMCall)).all() == []


def test_a_refusal_is_not_retried(db_session: Session) -> None:
    provider = ScriptedProvider(ProviderError("bad model"), "never reached")

    with pytest.raises(ProviderError):
        make_client(provider, db_session).complete(PROMPT)

    assert len(provider.prompts) == 1


def test_cost_follows_configured_prices(db_session: Session) -> None:
    client = make_client(ScriptedProvider("Priced."), db_session, pricing=Pricing(0.15, 0.60))

    completion = client.complete(PROMPT)

    assert completion.cost_usd == pytest.approx((1000 * 0.15 + 500 * 0.60) / 1_000_000)
    assert db_session.scalars(select(LLMCall.cost_usd)).one() == completion.cost_usd


def test_unknown_prices_leave_cost_unknown(db_session: Session) -> None:
    assert make_client(ScriptedProvider("x"), db_session).complete(PROMPT).cost_usd is None


def test_a_stream_is_logged_whole_when_it_ends(db_session: Session) -> None:
    client = make_client(ScriptedProvider("We need it by Friday."), db_session)

    pieces = list(client.stream(PROMPT))

    assert pieces == ["We ", "need ", "it ", "by ", "Friday."]
    call = db_session.scalars(select(LLMCall)).one()
    assert (call.response, call.streamed, call.output_tokens) == ("We need it by Friday.", True, 5)
    assert list(client.stream(PROMPT)) == ["We need it by Friday."]


def test_a_stream_that_fails_to_open_is_retried(db_session: Session) -> None:
    provider = ScriptedProvider(ProviderBusy("busy"), "Back again.")

    assert "".join(make_client(provider, db_session).stream(PROMPT)) == "Back again."
