"""The always-valid test stays honest under daily peeking, where a naive z-test does not."""

from datetime import date, timedelta

import numpy as np
import pytest
from scipy import stats

from cspersona.roi.sequential import always_valid

DAYS = [date(2026, 1, 1) + timedelta(days=d) for d in range(30)]
PER_DAY = 10  # outcomes per arm per day: 300 per arm after 30 looks


def _experiment(rng: np.random.Generator, effect: float) -> tuple[np.ndarray, np.ndarray]:
    size = len(DAYS) * PER_DAY
    return rng.normal(effect, 1.0, size=size), rng.normal(0.0, 1.0, size=size)


def _arrival_days() -> list[date]:
    return [day for day in DAYS for _ in range(PER_DAY)]


def _naive_ever_significant(treated: np.ndarray, held_back: np.ndarray) -> bool:
    """A fixed-horizon two-sample z-test read after every day, stopping at the first p < 0.10."""
    n = np.arange(1, len(DAYS) + 1) * PER_DAY

    def mean_and_variance(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        total, squares = np.cumsum(values)[n - 1], np.cumsum(values**2)[n - 1]
        return total / n, (squares - total**2 / n) / (n - 1)

    mean_t, var_t = mean_and_variance(treated)
    mean_h, var_h = mean_and_variance(held_back)
    z = (mean_t - mean_h) / np.sqrt(var_t / n + var_h / n)
    return bool((2 * stats.norm.sf(np.abs(z)) < 0.10).any())


def test_peeking_every_day_keeps_the_false_alarm_rate_below_ten_percent() -> None:
    rng = np.random.default_rng(2026)
    days = _arrival_days()
    always, naive = [], []
    for _ in range(500):
        treated, held_back = _experiment(rng, 0.0)
        result = always_valid(treated, days, held_back, days)
        assert result.looks == len(DAYS)
        always.append(result.p_value < 0.10)
        naive.append(_naive_ever_significant(treated, held_back))
    assert np.mean(always) <= 0.10
    assert np.mean(naive) > 0.3  # the same data read naively every day: about half


def test_a_real_effect_drives_the_p_value_down_and_the_interval_covers_it() -> None:
    rng = np.random.default_rng(5)
    treated, held_back = _experiment(rng, 0.4)
    days = _arrival_days()
    result = always_valid(treated, days, held_back, days)
    assert result.p_value < 0.001
    assert result.interval.low > 0
    assert result.interval.covers(0.4)


def test_the_p_value_never_rises_as_more_days_arrive() -> None:
    rng = np.random.default_rng(11)
    treated, held_back = _experiment(rng, 0.3)
    days = _arrival_days()
    p_values = [
        always_valid(treated[:n], days[:n], held_back[:n], days[:n]).p_value
        for n in range(3 * PER_DAY, len(days) + 1, 3 * PER_DAY)
    ]
    assert p_values == sorted(p_values, reverse=True)


def test_looks_wait_until_each_arm_has_two_differing_outcomes() -> None:
    day = DAYS
    result = always_valid(
        [1.0, 2.0, 3.0, 2.0], [day[0], day[1], day[2], day[3]], [0.0, 1.0], [day[1], day[2]]
    )
    assert result.looks == 2  # day 3 (first held-back pair) and day 4
    assert result.interval.estimate == pytest.approx(2.0 - 0.5)


def test_an_explicit_mixing_variance_changes_the_interval_width() -> None:
    rng = np.random.default_rng(1)
    treated, held_back = _experiment(rng, 0.0)
    days = _arrival_days()
    narrow_prior = always_valid(treated, days, held_back, days, mixing_variance=0.0001)
    default = always_valid(treated, days, held_back, days)
    width = lambda r: r.interval.high - r.interval.low  # noqa: E731
    assert width(narrow_prior) > width(default)


def test_too_few_outcomes_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="at least two outcomes in each group"):
        always_valid([1.0], [DAYS[0]], [1.0, 2.0], [DAYS[0], DAYS[1]])
