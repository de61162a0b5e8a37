"""What is sent to a language model and what comes back, independent of any provider's format."""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

Role = Literal["user", "assistant"]


@dataclass(frozen=True)
class Turn:
    """One message of the conversation a model continues."""

    role: Role
    content: str


@dataclass(frozen=True)
class Prompt:
    """A full request: the system instructions, the turns so far and the sampling limits."""

    system: str
    turns: tuple[Turn, ...]
    max_tokens: int = 400
    temperature: float = 0.7

    def cache_key(self, *, provider: str, model: str) -> str:
        """A digest of everything that shapes the answer, so equal requests share one response."""
        document = {
            "provider": provider,
            "model": model,
            "system": self.system,
            "turns": [[turn.role, turn.content] for turn in self.turns],
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
        }
        encoded = json.dumps(document, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(encoded).hexdigest()

    def rewritten(self, rewrite: Callable[[str], str]) -> "Prompt":
        """The same prompt with every text passed through ``rewrite`` (used to strip PII)."""
        turns = tuple(Turn(turn.role, rewrite(turn.content)) for turn in self.turns)
        return replace(self, system=rewrite(self.system), turns=turns)


@dataclass(frozen=True)
class Usage:
    """Tokens a provider counted for one request."""

    input_tokens: int = 0
    output_tokens: int = 0


@dataclass(frozen=True)
class Completion:
    """A model's answer with what it cost and how it was obtained."""

    text: str
    provider: str
    model: str
    usage: Usage = field(default_factory=Usage)
    cost_usd: float | None = None
    latency_ms: float = 0.0
    cached: bool = False
