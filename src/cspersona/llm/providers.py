"""The provider interface and the two wire formats: OpenAI-compatible endpoints and Anthropic.

A local model server (Ollama, llama.cpp, vLLM) speaks the OpenAI format under its own name.

Each provider turns a :class:`Prompt` into one request of its SDK and maps the SDK's failures to
:class:`ProviderError` subclasses, so retries and fallbacks never look at vendor exception types.
The SDKs are imported lazily: they belong to the ``llm`` extra.
"""

import importlib
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from cspersona.exceptions import ConfigError, Unavailable
from cspersona.llm.prompt import Prompt, Usage
from cspersona.llm.reasoning import ThinkingFilter, without_thinking

INSTALL_HINT = "install the llm extra: pip install 'cspersona[llm]'"


class ProviderError(Unavailable):
    """The LLM provider refused or failed the request."""

    status = 502
    retryable = False


class ProviderTimeout(ProviderError):
    """The provider did not answer in time."""

    status = 504
    retryable = True


class ProviderBusy(ProviderError):
    """Rate-limited, overloaded or a server error: worth another try after a pause."""

    retryable = True


class LLMProvider(ABC):
    """A chat model behind some API; subclasses speak one wire format."""

    name: str

    def __init__(self, *, model: str) -> None:
        """Remember which model every request asks for."""
        self.model = model

    @property
    def label(self) -> str:
        """How error messages name this provider."""
        return self.name

    @abstractmethod
    def complete(self, prompt: Prompt) -> tuple[str, Usage]:
        """The whole answer and its token usage."""

    @abstractmethod
    def stream(self, prompt: Prompt) -> Iterator[str | Usage]:
        """The answer in pieces as they arrive, then its token usage as the last item."""


class SdkProvider(LLMProvider):
    """A provider reached through its vendor's SDK, imported only when configured.

    The SDK's own retries are off because ours wrap every provider alike.
    """

    sdk_module: str
    client_class: str
    # Local OpenAI-compatible servers need no key, but the SDK refuses to start without one.
    default_api_key: str | None = None

    def __init__(
        self,
        *,
        model: str,
        api_key: str | None,
        base_url: str | None,
        timeout_seconds: float,
        http_client: Any = None,
    ) -> None:
        """Import the SDK and build its client; ``http_client`` lets tests replay exchanges."""
        super().__init__(model=model)
        self.base_url = base_url
        try:
            self._sdk: Any = importlib.import_module(self.sdk_module)
        except ImportError:
            raise ConfigError(
                f"llm_provider {self.name!r} needs the {self.sdk_module} SDK; {INSTALL_HINT}"
            ) from None
        self._client: Any = getattr(self._sdk, self.client_class)(
            api_key=api_key or self.default_api_key,
            base_url=base_url,
            timeout=timeout_seconds,
            max_retries=0,
            http_client=http_client,
        )


class OpenAICompatibleProvider(SdkProvider):
    """Any endpoint that speaks OpenAI's chat-completions format, through the ``openai`` SDK.

    Servers that copy the format differ in details, all tolerated here: usage may be missing, sent
    on the last chunk that has choices (older llama.cpp), on a chunk of its own with no choices
    (OpenAI, Ollama, vLLM, llama.cpp since 2025) or on every chunk as a running total (vLLM);
    chunks may carry no choices or no delta; reasoning models may open with a thinking block.
    """

    name = "openai"
    sdk_module = "openai"
    client_class = "OpenAI"
    default_api_key = "not-needed"

    def _messages(self, prompt: Prompt) -> list[dict[str, str]]:
        system = [{"role": "system", "content": prompt.system}] if prompt.system else []
        return system + [{"role": turn.role, "content": turn.content} for turn in prompt.turns]

    def complete(self, prompt: Prompt) -> tuple[str, Usage]:
        """One chat completion."""
        with _translated_errors(self._sdk, self.label):
            response = self._client.chat.completions.create(
                model=self.model,
                messages=self._messages(prompt),
                max_tokens=prompt.max_tokens,
                temperature=prompt.temperature,
            )
        message = response.choices[0].message if response.choices else None
        text = (message.content if message else None) or ""
        return without_thinking(text), _openai_usage(response.usage)

    def stream(self, prompt: Prompt) -> Iterator[str | Usage]:
        """Server-sent chunks, then the last usage any chunk reported (none means zero)."""
        thinking = ThinkingFilter()
        with _translated_errors(self._sdk, self.label):
            chunks = self._client.chat.completions.create(
                model=self.model,
                messages=self._messages(prompt),
                max_tokens=prompt.max_tokens,
                temperature=prompt.temperature,
                stream=True,
                stream_options={"include_usage": True},
            )
            usage = Usage()
            for chunk in chunks:
                delta = chunk.choices[0].delta if chunk.choices else None
                text = thinking.feed(delta.content) if delta and delta.content else ""
                if text:
                    yield text
                if chunk.usage:
                    usage = _openai_usage(chunk.usage)
        rest = thinking.finish()
        if rest:
            yield rest
        yield usage


class LocalServerProvider(OpenAICompatibleProvider):
    """A model server of the user's own (Ollama, llama.cpp's llama-server, vLLM), no key needed.

    The wire format is OpenAI's; only the name differs, so replies and the call log say a local
    model wrote them, and failures name the server's address, usually one not started yet.
    """

    name = "local"

    @property
    def label(self) -> str:
        """The server's address: the first thing to check when it does not answer."""
        return f"the local model server at {self.base_url}"


def _openai_usage(usage: Any) -> Usage:
    """Token counts from an OpenAI-format ``usage`` object, missing counts as zero."""
    if usage is None:
        return Usage()
    return Usage(usage.prompt_tokens or 0, usage.completion_tokens or 0)


class AnthropicProvider(SdkProvider):
    """Anthropic's Messages API through the ``anthropic`` SDK."""

    name = "anthropic"
    sdk_module = "anthropic"
    client_class = "Anthropic"

    def _request(self, prompt: Prompt) -> dict[str, Any]:
        """The Messages request; the current API takes no temperature, so none is sent."""
        request: dict[str, Any] = {
            "model": self.model,
            "max_tokens": prompt.max_tokens,
            "messages": [{"role": turn.role, "content": turn.content} for turn in prompt.turns],
        }
        if prompt.system:
            request["system"] = prompt.system
        return request

    def complete(self, prompt: Prompt) -> tuple[str, Usage]:
        """One message; the answer is the concatenation of its text blocks."""
        with _translated_errors(self._sdk, self.label):
            message = self._client.messages.create(**self._request(prompt))
        text = "".join(block.text for block in message.content if block.type == "text")
        return text, Usage(message.usage.input_tokens, message.usage.output_tokens)

    def stream(self, prompt: Prompt) -> Iterator[str | Usage]:
        """Text deltas as they arrive, then the final message's usage."""
        with (
            _translated_errors(self._sdk, self.label),
            self._client.messages.stream(**self._request(prompt)) as events,
        ):
            yield from events.text_stream
            final = events.get_final_message()
        yield Usage(final.usage.input_tokens, final.usage.output_tokens)


@contextmanager
def _translated_errors(sdk: Any, provider: str) -> Iterator[None]:
    """Re-raise the SDK's exceptions as ours, keeping the cause; both SDKs share these names."""
    try:
        yield
    except sdk.APITimeoutError as error:
        raise ProviderTimeout(f"{provider} did not answer in time") from error
    except (sdk.APIConnectionError, sdk.RateLimitError, sdk.InternalServerError) as error:
        raise ProviderBusy(f"{provider} is unavailable: {error}") from error
    except sdk.APIError as error:
        raise ProviderError(f"{provider} refused the request: {error}") from error
