"""An always-valid test of treated against held back, so results can be read every day.

A fixed-horizon test is valid once, at a sample size chosen in advance; reading it daily and
stopping at the first p < 0.10 declares a false effect far more often than 10% of the time.
The mixture sequential probability ratio test (mSPRT; Johari, Koomen, Pekelis and Walsh,
"Always valid inference", 2017/2022) keeps its promise however often and whenever one looks.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from cspersona.roi.intervals import LEVEL, Interval

# The default prior spread of the effect is a quarter of the outcome's standard deviation: the
# test is most powerful against effects of about that size, typical of customer-success work.
MIXING_SD_SHARE = 0.25


@dataclass(frozen=True)
class SequentialResult:
    """Where the sequential test stands after the last look."""

    p_value: float  # always valid, running minimum over looks
    interval: Interval  # confidence sequence at the last look, treated minus held back
    looks: int


@dataclass(frozen=True)
class _Arm:
    """Running count, sum and sum of squares of one arm's outcomes at each look day."""

    count: NDArray[np.float64]
    total: NDArray[np.float64]
    squares: NDArray[np.float64]


def _cumulative(outcomes: Sequence[float], days: Sequence[date], looks: list[date]) -> _Arm:
    values = np.asarray(outcomes, dtype=float)
    if values.size != len(days):
        raise ValueError("every outcome needs the day it arrived")
    order = np.argsort(np.asarray([d.toordinal() for d in days], dtype=int), kind="stable")
    arrived = np.asarray([days[i].toordinal() for i in order], dtype=int)
    sorted_values = values[order]
    upto = np.searchsorted(arrived, [d.toordinal() for d in looks], side="right")
    zero = np.zeros(1)
    total = np.concatenate([zero, np.cumsum(sorted_values)])
    squares = np.concatenate([zero, np.cumsum(sorted_values**2)])
    return _Arm(upto.astype(float), total[upto], squares[upto])


def always_valid(
    outcomes_treated: Sequence[float],
    days_treated: Sequence[date],
    outcomes_held_back: Sequence[float],
    days_held_back: Sequence[date],
    *,
    level: float = LEVEL,
    mixing_variance: float | None = None,
) -> SequentialResult:
    """The mSPRT for the difference in means, looked at once per day an outcome arrived.

    At each look, with Δ the difference in means, V = σ²(1/n_treated + 1/n_held_back) its
    variance (σ² pooled) and τ² the mixing variance, the mixture likelihood ratio against
    "no difference" is Λ = √(V/(V+τ²)) · exp(Δ²τ² / (2V(V+τ²))); the p-value is the running
    minimum of 1/Λ, and the interval is every difference d0 whose own ratio stays below
    1/(1 − level): |Δ − d0| ≤ √(V(V+τ²)/τ² · (2 ln(1/α) + ln((V+τ²)/V))).

    "Always valid" means: if there is no difference, the chance that the p-value EVER falls
    below α, at any look, however many looks, is at most α (and the interval covers the true
    difference at every look at once with chance ≥ level). It is asymptotic (normal means,
    plug-in σ²); the price is wider intervals than a single fixed-horizon read.
    ``mixing_variance`` (τ²) defaults to (0.25·σ)² at each look. Looks before each arm has two
    outcomes and a non-zero pooled variance are skipped.
    """
    looks_days = sorted(set(days_treated) | set(days_held_back))
    treated = _cumulative(outcomes_treated, days_treated, looks_days)
    held_back = _cumulative(outcomes_held_back, days_held_back, looks_days)
    alpha = 1 - level
    p_value = 1.0
    interval: Interval | None = None
    looks = 0
    with np.errstate(divide="ignore", invalid="ignore"):
        n_t, n_h = treated.count, held_back.count
        mean_t, mean_h = treated.total / n_t, held_back.total / n_h
        pooled = (treated.squares - n_t * mean_t**2 + held_back.squares - n_h * mean_h**2) / (
            n_t + n_h - 2
        )
    for i in range(len(looks_days)):
        if n_t[i] < 2 or n_h[i] < 2 or not pooled[i] > 1e-12:
            continue
        looks += 1
        variance = pooled[i] * (1 / n_t[i] + 1 / n_h[i])
        tau2 = mixing_variance if mixing_variance is not None else MIXING_SD_SHARE**2 * pooled[i]
        difference = float(mean_t[i] - mean_h[i])
        log_ratio = 0.5 * math.log(variance / (variance + tau2)) + difference**2 * tau2 / (
            2 * variance * (variance + tau2)
        )
        p_value = min(p_value, math.exp(-log_ratio) if log_ratio > 0 else 1.0)
        half = math.sqrt(
            variance
            * (variance + tau2)
            / tau2
            * (2 * math.log(1 / alpha) + math.log((variance + tau2) / variance))
        )
        interval = Interval(difference, difference - half, difference + half, level)
    if interval is None:
        raise ValueError(
            "the test needs at least two outcomes in each group, and outcomes that differ"
        )
    return SequentialResult(p_value, interval, looks)
