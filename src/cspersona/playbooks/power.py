"""Power calculations for a playbook's two arms: how many customers before an effect is readable.

The normal approximation on arcsine-transformed proportions (Cohen's h), as statsmodels'
``NormalIndPower`` with ``proportion_effectsize`` computes it: 10% churn against 8% needs about
3,200 customers per arm at α 0.05 and power 0.8.
"""

import math

ALPHA = 0.05
POWER = 0.8


def needed_per_arm(
    baseline: float,
    target: float,
    *,
    ratio: float = 1.0,
    alpha: float = ALPHA,
    power: float = POWER,
) -> int:
    """Customers in the first arm to read ``baseline`` against ``target`` (second arm ``ratio`` x).

    Rounded up: 0.10 against 0.08 with equal arms needs 3,205.
    """
    # statsmodels loads scipy and pandas: imported here, not when the API or CLI starts.
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    effect = abs(proportion_effectsize(baseline, target))
    if effect == 0:
        raise ValueError("the two churn rates must differ")
    nobs = NormalIndPower().solve_power(
        effect_size=effect, nobs1=None, alpha=alpha, power=power, ratio=ratio
    )
    return math.ceil(float(nobs))


def minimum_detectable_reduction(
    baseline: float, *, treated: int, held_back: int, alpha: float = ALPHA, power: float = POWER
) -> float | None:
    """The smallest absolute fall from ``baseline`` these arm sizes read; None if none can be."""
    if treated < 2 or held_back < 2 or not 0 < baseline < 1:
        return None
    effect = _detectable_effect_size(treated, held_back, alpha, power)
    transformed = 2 * math.asin(math.sqrt(baseline)) - effect
    if transformed <= 0:
        return None  # not even a churn rate of zero would be readable
    return baseline - math.sin(transformed / 2) ** 2


def minimum_detectable_difference(
    sd: float, treated: int, held_back: int, *, alpha: float = ALPHA, power: float = POWER
) -> float | None:
    """The smallest difference in means (retained ARR) these arm sizes read; None if none can be.

    (z₁₋α/₂ + z_power) · sd · √(1/treated + 1/held_back), the normal approximation.
    """
    if treated < 2 or held_back < 2 or sd <= 0:
        return None
    return sd * _detectable_effect_size(treated, held_back, alpha, power)


def _detectable_effect_size(treated: int, held_back: int, alpha: float, power: float) -> float:
    """The smallest standardised effect two arms of these sizes detect."""
    from statsmodels.stats.power import NormalIndPower

    return float(
        NormalIndPower().solve_power(
            effect_size=None, nobs1=held_back, alpha=alpha, power=power, ratio=treated / held_back
        )
    )


def two_sided_p_value(churned: tuple[int, int], followed_up: tuple[int, int]) -> float | None:
    """Two-sided two-proportion z-test; None when it is undefined (no churn, or all churned)."""
    if sum(churned) == 0 or sum(churned) == sum(followed_up):
        return None
    from statsmodels.stats.proportion import proportions_ztest

    _, p_value = proportions_ztest(list(churned), list(followed_up))
    return float(p_value)
