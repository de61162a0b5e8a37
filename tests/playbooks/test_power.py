"""Sample sizes and the smallest readable fall in churn, checked against hand computations."""

import math
from statistics import NormalDist

import pytest

from cspersona.playbooks.power import (
    minimum_detectable_difference,
    minimum_detectable_reduction,
    needed_per_arm,
    two_sided_p_value,
)


def _hand_per_arm(baseline: float, target: float) -> float:
    """Cohen's h, equal arms: n = 2 ((z_0.975 + z_0.8) / h)^2, worked out without statsmodels."""
    z = NormalDist().inv_cdf(0.975) + NormalDist().inv_cdf(0.8)
    h = 2 * math.asin(math.sqrt(baseline)) - 2 * math.asin(math.sqrt(target))
    return 2 * (z / h) ** 2


@pytest.mark.parametrize(
    ("baseline", "target"), [(0.10, 0.08), (0.20, 0.16), (0.05, 0.04), (0.30, 0.15)]
)
def test_customers_needed_per_arm_match_the_hand_computation(
    baseline: float, target: float
) -> None:
    assert needed_per_arm(baseline, target) == math.ceil(_hand_per_arm(baseline, target))


def test_ten_against_eight_percent_churn_needs_about_3200_customers_per_arm() -> None:
    # The textbook two-proportion formula (Fleiss, no continuity correction) gives 3,213.
    assert needed_per_arm(0.10, 0.08) == 3205


def test_a_small_control_share_needs_more_customers_in_all() -> None:
    equal = 2 * needed_per_arm(0.10, 0.08)
    held_back = needed_per_arm(0.10, 0.08, ratio=9)  # 10% held back, 90% treated

    assert held_back * 10 > 2.5 * equal
    assert held_back < needed_per_arm(0.10, 0.08)


def test_the_minimum_detectable_reduction_inverts_the_sample_size() -> None:
    per_arm = needed_per_arm(0.10, 0.08)

    detectable = minimum_detectable_reduction(0.10, treated=per_arm, held_back=per_arm)

    assert detectable == pytest.approx(0.02, abs=1e-4)
    assert minimum_detectable_reduction(0.10, treated=10, held_back=2) is None


def test_the_minimum_detectable_difference_in_means_matches_the_hand_computation() -> None:
    z = NormalDist().inv_cdf(0.975) + NormalDist().inv_cdf(0.8)
    hand = z * 0.3 * math.sqrt(1 / 400 + 1 / 100)

    assert minimum_detectable_difference(0.3, treated=400, held_back=100) == pytest.approx(
        hand,
        rel=1e-5,  # statsmodels also counts the far tail's power, a 1e-6 change
    )
    assert minimum_detectable_difference(0.3, treated=400, held_back=1) is None
    assert minimum_detectable_difference(0.0, treated=400, held_back=100) is None


def test_the_p_value_is_the_two_proportion_z_test_and_undefined_without_churn() -> None:
    # 20/100 against 10/100: pooled 15%, z = 0.1 / sqrt(0.15 * 0.85 * 0.02) = 1.980.
    z = 0.1 / math.sqrt(0.15 * 0.85 * 0.02)

    assert two_sided_p_value((20, 10), (100, 100)) == pytest.approx(2 * (1 - NormalDist().cdf(z)))
    assert two_sided_p_value((0, 0), (50, 10)) is None
    assert two_sided_p_value((50, 10), (50, 10)) is None
