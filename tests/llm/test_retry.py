"""Backoff delays and which failures are retried."""

import pytest

from cspersona.llm.providers import ProviderBusy, ProviderError, ProviderTimeout
from cspersona.llm.retry import RetryPolicy, call_with_retries


def test_delays_double_and_are_capped() -> None:
    policy = RetryPolicy(retries=6, base_delay=1.0, max_delay=5.0)

    delays = [policy.delay(attempt, jitter=1.0) for attempt in range(5)]

    assert delays == [1.0, 2.0, 4.0, 5.0, 5.0]
    assert policy.delay(0, jitter=0.0) == 0.5


def test_sleeps_between_retryable_failures_only() -> None:
    outcomes: list[Exception | str] = [ProviderTimeout("slow"), ProviderBusy("busy"), "done"]
    slept: list[float] = []

    def call() -> str:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    result = call_with_retries(
        call, RetryPolicy(retries=3, base_delay=1.0), sleep=slept.append, jitter=lambda: 1.0
    )

    assert result == "done"
    assert slept == [1.0, 2.0]


def test_a_non_retryable_error_is_raised_at_once() -> None:
    slept: list[float] = []

    def call() -> str:
        raise ProviderError("refused")

    with pytest.raises(ProviderError):
        call_with_retries(call, RetryPolicy(retries=3), sleep=slept.append)

    assert slept == []
