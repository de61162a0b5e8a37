"""The provider wire formats, against recorded exchanges of each API."""

import sys
from collections.abc import Callable

import httpx2
import pytest

from cspersona.exceptions import ConfigError
from cspersona.llm.prompt import Prompt, Turn, Usage
from cspersona.llm.providers import (
    AnthropicProvider,
    LLMProvider,
    OpenAICompatibleProvider,
    ProviderBusy,
    ProviderError,
    ProviderTimeout,
)
from tests.llm.replay import Replay

PROMPT = Prompt(
    system="You are Cost-Conscious Carlos, a customer.",
    turns=(Turn("user", "We can offer 10% off the renewal."),),
)


def openai_provider(replay: Replay) -> OpenAICompatibleProvider:
    return OpenAICompatibleProvider(
        model="persona-test-model",
        api_key="test-key",
        base_url="http://127.0.0.1:11434/v1",
        timeout_seconds=5,
        http_client=replay.client(),
    )


def anthropic_provider(replay: Replay) -> AnthropicProvider:
    return AnthropicProvider(
        model="claude-test-model",
        api_key="test-key",
        base_url="http://anthropic.test",
        timeout_seconds=5,
        http_client=replay.client(),
    )


def test_openai_completion_sends_system_and_turns_and_reads_usage() -> None:
    replay = Replay("openai-completion")

    text, usage = openai_provider(replay).complete(PROMPT)

    assert text == "Ten percent is a start, but our budget was cut again this quarter."
    assert usage == Usage(input_tokens=31, output_tokens=15)
    assert replay.requests[0]["messages"][0] == {"role": "system", "content": PROMPT.system}


def test_openai_stream_yields_pieces_then_usage() -> None:
    replay = Replay("openai-stream")

    pieces = list(openai_provider(replay).stream(PROMPT))

    assert pieces == ["Ten percent", " is a start.", Usage(input_tokens=31, output_tokens=6)]


def test_anthropic_completion_puts_system_at_top_level() -> None:
    replay = Replay("anthropic-completion")

    text, usage = anthropic_provider(replay).complete(PROMPT)

    assert text == "Ten percent is a start, but our budget was cut again."
    assert usage == Usage(input_tokens=29, output_tokens=13)
    assert all(message["role"] != "system" for message in replay.requests[0]["messages"])


def test_anthropic_stream_yields_text_deltas_then_final_usage() -> None:
    replay = Replay("anthropic-stream")

    pieces = list(anthropic_provider(replay).stream(PROMPT))

    assert pieces == ["Ten percent", " is a start.", Usage(input_tokens=29, output_tokens=6)]


@pytest.mark.parametrize(
    ("recording", "build"),
    [("openai-rate-limited", openai_provider), ("anthropic-overloaded", anthropic_provider)],
)
def test_rate_limits_and_overload_are_retryable_errors(
    recording: str, build: Callable[[Replay], LLMProvider]
) -> None:
    with pytest.raises(ProviderBusy) as raised:
        build(Replay(recording)).complete(PROMPT)

    assert raised.value.retryable


def test_a_timeout_becomes_provider_timeout() -> None:
    def never_answers(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ReadTimeout("no answer", request=request)

    provider = OpenAICompatibleProvider(
        model="m",
        api_key=None,
        base_url="http://127.0.0.1:9/v1",
        timeout_seconds=0.1,
        http_client=httpx2.Client(transport=httpx2.MockTransport(never_answers)),
    )

    with pytest.raises(ProviderTimeout):
        provider.complete(PROMPT)


def test_a_refused_request_is_not_retryable() -> None:
    def bad_request(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(400, json={"error": {"message": "model not found"}})

    provider = OpenAICompatibleProvider(
        model="m",
        api_key=None,
        base_url="http://127.0.0.1:9/v1",
        timeout_seconds=1,
        http_client=httpx2.Client(transport=httpx2.MockTransport(bad_request)),
    )

    with pytest.raises(ProviderError) as raised:
        provider.complete(PROMPT)

    assert not raised.value.retryable
    assert "model not found" in raised.value.message


def test_a_missing_sdk_names_the_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "anthropic", None)  # what an uninstalled package looks like

    with pytest.raises(ConfigError, match=r"cspersona\[llm\]"):
        AnthropicProvider(model="m", api_key=None, base_url=None, timeout_seconds=1)
