"""Retrying a provider call with exponential backoff, only for failures worth retrying."""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from cspersona.llm.providers import ProviderError

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to try again: delays double up to ``max_delay`` with jitter."""

    retries: int = 2
    base_delay: float = 0.5
    max_delay: float = 8.0

    def delay(self, attempt: int, jitter: float) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based); ``jitter`` is in [0, 1)."""
        return min(self.max_delay, self.base_delay * 2.0**attempt) * (0.5 + jitter / 2)


def call_with_retries(
    call: Callable[[], T],
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], None] = time.sleep,
    jitter: Callable[[], float] = random.random,
) -> T:
    """Run ``call``; on a retryable :class:`ProviderError` wait and try again, up to the policy."""
    for attempt in range(policy.retries + 1):
        try:
            return call()
        except ProviderError as error:
            if not error.retryable or attempt == policy.retries:
                raise
            sleep(policy.delay(attempt, jitter()))
    raise AssertionError("unreachable: the last attempt returns or raises")
