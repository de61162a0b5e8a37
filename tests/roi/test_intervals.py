"""Intervals checked against hand computations, Newcombe (1998) and coverage simulations."""

import math

import numpy as np
import pytest

from cspersona.roi.intervals import (
    Interval,
    churn_reduction,
    cuped_difference,
    retained_arr_difference,
    wilson,
)

Z90 = 1.6448536269514722  # the two-sided 90% normal quantile


def _hand_wilson(successes: int, total: int, z: float) -> tuple[float, float]:
    p = successes / total
    centre = p + z**2 / (2 * total)
    spread = z * math.sqrt(p * (1 - p) / total + z**2 / (4 * total**2))
    return (centre - spread) / (1 + z**2 / total), (centre + spread) / (1 + z**2 / total)


def test_wilson_matches_the_score_formula_by_hand() -> None:
    interval = wilson(7, 40)
    low, high = _hand_wilson(7, 40, Z90)
    assert interval.estimate == pytest.approx(0.175)
    assert (interval.low, interval.high) == (pytest.approx(low), pytest.approx(high))
    assert interval.level == 0.90


def test_wilson_matches_newcombes_published_example() -> None:
    # Newcombe (1998), "Two-sided confidence intervals for the single proportion", 81/263.
    interval = wilson(81, 263, level=0.95)
    assert (round(interval.low, 4), round(interval.high, 4)) == (0.2553, 0.3662)


def test_wilson_with_no_events_starts_at_zero_and_stays_informative() -> None:
    interval = wilson(0, 10)
    assert interval.low == 0.0
    assert interval.high == pytest.approx(Z90**2 / (10 + Z90**2))


def test_wilson_refuses_an_empty_group() -> None:
    with pytest.raises(ValueError, match="at least one customer"):
        wilson(0, 0)


@pytest.mark.parametrize(
    ("counts", "published"),
    [
        # Newcombe (1998), "Interval estimation for the difference between independent
        # proportions", Statistics in Medicine 17, Table II, method 10 (hybrid score).
        ((56, 70, 48, 80), (0.0524, 0.3339)),
        ((9, 10, 3, 10), (0.1705, 0.8090)),
    ],
)
def test_churn_reduction_matches_newcombes_worked_examples(
    counts: tuple[int, int, int, int], published: tuple[float, float]
) -> None:
    interval = churn_reduction(*counts, level=0.95)
    assert (round(interval.low, 4), round(interval.high, 4)) == published
    assert interval.estimate == pytest.approx(counts[0] / counts[1] - counts[2] / counts[3])


def test_churn_reduction_is_positive_when_treatment_keeps_customers() -> None:
    interval = churn_reduction(30, 100, 10, 100)
    assert interval.estimate == pytest.approx(0.20)
    assert interval.low > 0


def test_churn_reduction_with_no_churn_is_the_wilson_upper_bound_either_way() -> None:
    interval = churn_reduction(0, 50, 0, 50)
    upper = Z90**2 / (50 + Z90**2)  # Wilson's upper bound for 0 of 50
    assert (interval.estimate, interval.low, interval.high) == (
        0.0,
        pytest.approx(-upper),
        pytest.approx(upper),
    )


def test_churn_reduction_when_every_held_back_customer_churned() -> None:
    interval = churn_reduction(10, 10, 0, 10)
    assert interval.estimate == 1.0
    assert interval.high == 1.0
    # Newcombe: 1 − √((1 − l₁)² + u₂²), and by symmetry 1 − l₁ = u₂ = Wilson's bound for 0 of 10.
    assert interval.low == pytest.approx(1 - math.sqrt(2) * Z90**2 / (10 + Z90**2))


@pytest.mark.parametrize("sizes", [(0, 10), (10, 0)])
def test_churn_reduction_refuses_an_empty_arm(sizes: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match="at least one customer"):
        churn_reduction(0, sizes[0], 0, sizes[1])


def test_churn_reduction_covers_the_true_difference_nine_times_in_ten() -> None:
    rng = np.random.default_rng(21)
    truth = 0.15 - 0.10
    held_back = rng.binomial(200, 0.15, size=1000)
    treated = rng.binomial(200, 0.10, size=1000)
    covered = [
        churn_reduction(int(h), 200, int(t), 200).covers(truth)
        for h, t in zip(held_back, treated, strict=True)
    ]
    assert 0.86 <= np.mean(covered) <= 0.94


def _hand_variance(start: list[float], end: list[float]) -> float:
    """The delta-method variance with one lost and one kept customer of average ARR added."""
    average = sum(start) / len(start)
    start, end = [*start, average, average], [*end, 0.0, average]
    ratio, n = sum(end) / sum(start), len(start)
    residuals = [e - ratio * s for s, e in zip(start, end, strict=True)]
    return sum(r**2 for r in residuals) / ((n - 1) * n * (sum(start) / n) ** 2)


def test_retained_arr_difference_by_hand() -> None:
    # Treated: R = 4/6; held back: R = 1.0, nobody lost, yet not certain.
    interval = retained_arr_difference([1, 2, 3], [1, 3, 0], [1, 1, 1], [1, 1, 1])

    variance = _hand_variance([1, 2, 3], [1, 3, 0]) + _hand_variance([1, 1, 1], [1, 1, 1])
    assert _hand_variance([1, 1, 1], [1, 1, 1]) > 0
    assert interval.estimate == pytest.approx(4 / 6 - 1)
    assert interval.high - interval.estimate == pytest.approx(Z90 * math.sqrt(variance))


def test_retained_arr_difference_refuses_a_single_customer() -> None:
    with pytest.raises(ValueError, match="at least two customers"):
        retained_arr_difference([100.0], [100.0], [100.0, 50.0], [100.0, 0.0])


def test_retained_arr_difference_refuses_mismatched_lists() -> None:
    with pytest.raises(ValueError, match="starting and an ending"):
        retained_arr_difference([1.0, 2.0], [1.0], [1.0, 2.0], [1.0, 2.0])


def _arm(rng: np.random.Generator, n: int, churn: float) -> tuple[np.ndarray, np.ndarray]:
    start = rng.lognormal(10, 0.8, size=n)
    growth = rng.normal(1.05, 0.1, size=n)
    return start, start * growth * (rng.random(n) >= churn)


def test_retained_arr_difference_covers_the_true_difference_nine_times_in_ten() -> None:
    rng = np.random.default_rng(7)
    truth = (1 - 0.10) * 1.05 - (1 - 0.15) * 1.05  # E[end]/E[start] in each arm
    covered = []
    for _ in range(400):
        start_t, end_t = _arm(rng, 300, 0.10)
        start_h, end_h = _arm(rng, 300, 0.15)
        covered.append(retained_arr_difference(start_t, end_t, start_h, end_h).covers(truth))
    assert 0.86 <= np.mean(covered) <= 0.94


def test_retained_arr_difference_holds_its_coverage_when_churn_is_rare() -> None:
    # A few dozen customers a side and 3-6% churn: one or two losses decide each arm's ratio.
    rng = np.random.default_rng(11)
    truth = (1 - 0.03) - (1 - 0.06)
    covered = []
    for _ in range(1000):
        start_t, start_h = rng.lognormal(10, 1.0, 70), rng.lognormal(10, 1.0, 70)
        end_t = start_t * (rng.random(70) >= 0.03)
        end_h = start_h * (rng.random(70) >= 0.06)
        covered.append(retained_arr_difference(start_t, end_t, start_h, end_h).covers(truth))
    assert 0.87 <= np.mean(covered) <= 0.95


def test_cuped_narrows_the_interval_and_keeps_the_effect() -> None:
    rng = np.random.default_rng(3)
    before = rng.normal(50, 10, size=400)
    after = before + rng.normal(0, 5, size=400)
    after[:200] += 2.0  # the treated half
    result = cuped_difference(after[:200], before[:200], after[200:], before[200:])
    plain = cuped_difference(after[:200], np.zeros(200), after[200:], np.zeros(200))
    assert result.interval.estimate == pytest.approx(2.0, abs=1.5)  # about 3 standard errors
    assert (
        result.interval.high - result.interval.low < (plain.interval.high - plain.interval.low) / 2
    )
    assert 0.7 < result.variance_reduction < 0.9  # corr² = 100 / 125 = 0.8


def test_cuped_with_a_constant_covariate_is_the_plain_welch_interval() -> None:
    treated, held_back = [3.0, 5.0, 4.0, 6.0], [1.0, 2.0, 4.0]
    result = cuped_difference(treated, [1.0] * 4, held_back, [1.0] * 3)
    standard_error = math.sqrt(np.var(treated, ddof=1) / 4 + np.var(held_back, ddof=1) / 3)
    assert result.variance_reduction == 0.0
    assert result.interval == Interval(
        pytest.approx(4.5 - 7 / 3),
        pytest.approx(4.5 - 7 / 3 - Z90 * standard_error),
        pytest.approx(4.5 - 7 / 3 + Z90 * standard_error),
    )


def test_cuped_refuses_a_single_customer() -> None:
    with pytest.raises(ValueError, match="at least two customers"):
        cuped_difference([1.0], [1.0], [1.0, 2.0], [1.0, 2.0])
