"""The provider wire formats, against recorded exchanges of each API and local server."""

import sys
from collections.abc import Callable, Iterator

import httpx2
import pytest

from cspersona.exceptions import ConfigError
from cspersona.llm.prompt import Prompt, Turn, Usage
from cspersona.llm.providers import (
    AnthropicProvider,
    LLMProvider,
    LocalServerProvider,
    OpenAICompatibleProvider,
    ProviderBusy,
    ProviderError,
    ProviderTimeout,
)
from tests.llm.local_server import RecordedServer, recorded_server
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


@pytest.fixture(scope="module")
def model_server() -> Iterator[RecordedServer]:
    """A local model server replaying recordings of Ollama, llama.cpp and vLLM."""
    with recorded_server() as server:
        yield server
        assert server.mismatches == []


def local_provider(server: RecordedServer, model: str) -> LocalServerProvider:
    return LocalServerProvider(model=model, api_key=None, base_url=server.url, timeout_seconds=5)


@pytest.mark.parametrize(
    ("recording", "model", "text", "usage"),
    [
        (
            "ollama-completion",
            "llama3.1",
            "Ten percent helps, but finance still wants the unused seats credited.",
            Usage(412, 16),
        ),
        (
            "llamacpp-completion",
            "local-model",
            "A discount is nice, but our renewal is in six weeks and nobody has called.",
            Usage(389, 17),
        ),
        (
            "vllm-completion",
            "Qwen/Qwen2.5-7B-Instruct",
            "Before any discount, I need to know why the invoice doubled.",
            Usage(401, 15),
        ),
        (
            "ollama-thinking-completion",
            "deepseek-r1",
            "Ten percent is a start; what about the unused seats?",
            Usage(398, 41),
        ),
    ],
)
def test_a_local_server_completes_in_its_own_dialect(
    model_server: RecordedServer, recording: str, model: str, text: str, usage: Usage
) -> None:
    model_server.play(recording)

    answer = local_provider(model_server, model).complete(PROMPT)

    assert answer == (text, usage)
    assert model_server.requests[-1]["messages"][0] == {"role": "system", "content": PROMPT.system}


@pytest.mark.parametrize(
    ("recording", "model", "pieces"),
    [
        (
            "ollama-stream",
            "llama3.1",
            ["Ten percent", " helps, but", " finance wants the seats credited.", Usage(412, 11)],
        ),
        ("ollama-stream-no-usage", "llama3.1", ["We need", " the credit note first.", Usage()]),
        (
            "llamacpp-stream",
            "local-model",
            ["A discount", " is nice, but", " nobody has called.", Usage(389, 9)],
        ),
        (
            "llamacpp-stream-older",
            "local-model",
            ["A discount", " is nice, but", " nobody has called.", Usage(389, 9)],
        ),
        (
            "vllm-stream",
            "Qwen/Qwen2.5-7B-Instruct",
            ["Before any discount,", " why did the invoice double?", Usage(401, 10)],
        ),
        ("vllm-thinking-stream", "Qwen/Qwen3-8B", ["Ten percent", " is a start.", Usage(380, 32)]),
    ],
)
def test_a_local_server_streams_in_its_own_dialect(
    model_server: RecordedServer, recording: str, model: str, pieces: list[str | Usage]
) -> None:
    model_server.play(recording)

    assert list(local_provider(model_server, model).stream(PROMPT)) == pieces


def test_a_local_server_that_is_not_running_is_named_by_its_address() -> None:
    with recorded_server() as server:
        address = server.url  # nothing listens there once the block ends
    provider = LocalServerProvider(
        model="llama3.1", api_key=None, base_url=address, timeout_seconds=5
    )

    with pytest.raises(ProviderBusy) as raised:
        provider.complete(PROMPT)

    assert f"the local model server at {address} is unavailable" in raised.value.message
