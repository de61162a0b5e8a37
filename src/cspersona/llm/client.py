"""The one door to language models: PII guard, response cache, retries, cost and call log."""

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.llm.models import LLMCall
from cspersona.llm.prompt import Completion, Prompt, Usage
from cspersona.llm.providers import LLMProvider
from cspersona.llm.retry import RetryPolicy, call_with_retries


@dataclass(frozen=True)
class Pricing:
    """USD per million tokens; unknown prices leave the cost unknown rather than guessed."""

    input_per_million: float | None = None
    output_per_million: float | None = None

    def cost(self, usage: Usage) -> float | None:
        """What ``usage`` cost, or None when a price is not configured."""
        if self.input_per_million is None or self.output_per_million is None:
            return None
        return (
            usage.input_tokens * self.input_per_million
            + usage.output_tokens * self.output_per_million
        ) / 1_000_000


class LLMClient:
    """Asks a provider for completions the way the product must: safely, cheaply and on record."""

    def __init__(
        self,
        provider: LLMProvider,
        *,
        db_session: Session,
        redact: Callable[[str], str],
        pricing: Pricing | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """``redact`` replaces PII in every text before it leaves the machine."""
        self.provider = provider
        self._db_session = db_session
        self._redact = redact
        self._pricing = pricing or Pricing()
        self._retry = retry or RetryPolicy()
        self._sleep = sleep

    def complete(self, prompt: Prompt) -> Completion:
        """The provider's answer to ``prompt``, from the cache when the same prompt was answered."""
        safe_prompt = prompt.rewritten(self._redact)
        key = safe_prompt.cache_key(provider=self.provider.name, model=self.provider.model)
        cached = self._cached(key)
        if cached is not None:
            return self._record(safe_prompt, key, cached, Usage(), 0.0, cached=True, streamed=False)
        started = time.perf_counter()
        text, usage = call_with_retries(
            lambda: self.provider.complete(safe_prompt), self._retry, sleep=self._sleep
        )
        latency_ms = (time.perf_counter() - started) * 1000
        return self._record(safe_prompt, key, text, usage, latency_ms, cached=False, streamed=False)

    def stream(self, prompt: Prompt) -> Iterator[str]:
        """The answer in pieces; the call is logged when the stream ends.

        A cached answer comes back as one piece. Retries cover only the opening of the stream:
        once text has been shown, a failure surfaces rather than repeating what was said.
        """
        safe_prompt = prompt.rewritten(self._redact)
        key = safe_prompt.cache_key(provider=self.provider.name, model=self.provider.model)
        cached = self._cached(key)
        if cached is not None:
            self._record(safe_prompt, key, cached, Usage(), 0.0, cached=True, streamed=True)
            yield cached
            return
        started = time.perf_counter()
        pieces = call_with_retries(
            lambda: _opened(self.provider.stream(safe_prompt)), self._retry, sleep=self._sleep
        )
        text_parts: list[str] = []
        usage = Usage()
        for piece in pieces:
            if isinstance(piece, Usage):
                usage = piece
            else:
                text_parts.append(piece)
                yield piece
        latency_ms = (time.perf_counter() - started) * 1000
        self._record(
            safe_prompt, key, "".join(text_parts), usage, latency_ms, cached=False, streamed=True
        )

    def _cached(self, key: str) -> str | None:
        statement = (
            select(LLMCall.response)
            .where(
                LLMCall.prompt_key == key,
                LLMCall.provider == self.provider.name,
                LLMCall.model == self.provider.model,
                LLMCall.cached.is_(False),
            )
            .order_by(LLMCall.id.desc())
            .limit(1)
        )
        return self._db_session.scalar(statement)

    def _record(
        self,
        prompt: Prompt,
        key: str,
        text: str,
        usage: Usage,
        latency_ms: float,
        *,
        cached: bool,
        streamed: bool,
    ) -> Completion:
        cost = 0.0 if cached else self._pricing.cost(usage)
        self._db_session.add(
            LLMCall(
                provider=self.provider.name,
                model=self.provider.model,
                prompt_key=key,
                prompt={
                    "system": prompt.system,
                    "turns": [[turn.role, turn.content] for turn in prompt.turns],
                    "max_tokens": prompt.max_tokens,
                    "temperature": prompt.temperature,
                },
                response=text,
                input_tokens=usage.input_tokens,
                output_tokens=usage.output_tokens,
                cost_usd=cost,
                latency_ms=latency_ms,
                cached=cached,
                streamed=streamed,
            )
        )
        self._db_session.flush()
        return Completion(
            text=text,
            provider=self.provider.name,
            model=self.provider.model,
            usage=usage,
            cost_usd=cost,
            latency_ms=latency_ms,
            cached=cached,
        )


def _opened(pieces: Iterator[str | Usage]) -> Iterator[str | Usage]:
    """Pull the first piece now, so that a failure to open the stream happens inside the retry."""
    first = next(pieces, None)

    def chained() -> Iterator[str | Usage]:
        if first is not None:
            yield first
        yield from pieces

    return chained()
