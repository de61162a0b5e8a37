"""Confidence intervals for the effects ROI reports: churn, retained ARR, CUPED-adjusted means.

Every figure is an :class:`Interval`: the estimate and its bounds at a stated level, 90% unless
asked otherwise, so a reader never sees a point estimate without its uncertainty.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from cspersona.roi.summary import LEVEL, Interval

__all__ = ["LEVEL", "CupedResult", "Interval", "normal_interval", "normal_quantile"]


@dataclass(frozen=True)
class CupedResult:
    """A difference in means adjusted by a pre-period covariate, and how much noise that removed."""

    interval: Interval  # treated minus held back, adjusted
    variance_reduction: float  # share of variance removed, 0..1


def normal_quantile(level: float = LEVEL) -> float:
    """The two-sided normal quantile for ``level`` (1.645 at 90%)."""
    return float(stats.norm.ppf(0.5 + level / 2))


def normal_interval(estimate: float, standard_error: float, level: float = LEVEL) -> Interval:
    """``estimate`` ± the normal quantile times ``standard_error``."""
    half = normal_quantile(level) * standard_error
    return Interval(estimate, estimate - half, estimate + half, level)


def wilson(successes: int, total: int, *, level: float = LEVEL) -> Interval:
    """Wilson score interval for a proportion: sensible at 0 or all events, unlike the Wald one."""
    if total < 1:
        raise ValueError("a rate needs at least one customer")
    if not 0 <= successes <= total:
        raise ValueError("the number of events must lie between 0 and the number of customers")
    low, high = proportion_confint(successes, total, alpha=1 - level, method="wilson")
    return Interval(successes / total, float(low), float(high), level)


def churn_reduction(
    churned_held_back: int,
    held_back: int,
    churned_treated: int,
    treated: int,
    *,
    level: float = LEVEL,
) -> Interval:
    """Held-back churn rate minus treated churn rate: positive when treatment kept customers.

    Newcombe's (1998) hybrid score interval combines the two arms' Wilson intervals; it keeps
    near-nominal coverage with few churn events, where the Wald interval is far too narrow.
    """
    if held_back < 1 or treated < 1:
        raise ValueError("both the treated and the held-back group need at least one customer")
    for churned, total in ((churned_held_back, held_back), (churned_treated, treated)):
        if not 0 <= churned <= total:
            raise ValueError("churned customers must lie between 0 and the group's size")
    low, high = confint_proportions_2indep(
        churned_held_back,
        held_back,
        churned_treated,
        treated,
        method="newcomb",
        compare="diff",
        alpha=1 - level,
    )
    estimate = churned_held_back / held_back - churned_treated / treated
    return Interval(estimate, float(low), float(high), level)


def _ratio_and_variance(start: Sequence[float], end: Sequence[float]) -> tuple[float, float]:
    """R = Σend / Σstart and its delta-method variance (formula in retained_arr_difference)."""
    starts = np.asarray(start, dtype=float)
    ends = np.asarray(end, dtype=float)
    if starts.shape != ends.shape:
        raise ValueError("every customer needs both a starting and an ending ARR")
    if starts.size < 2:
        raise ValueError("retained ARR needs at least two customers in each group")
    if starts.sum() <= 0:
        raise ValueError("retained ARR needs a positive starting ARR in each group")
    ratio = float(ends.sum() / starts.sum())
    # The variance is read with one lost and one kept customer of average ARR added, as Agresti
    # and Caffo add one event and one non-event to a proportion: an arm where nobody churned
    # would otherwise claim no uncertainty at all.
    average = starts.mean()
    starts = np.append(starts, [average, average])
    ends = np.append(ends, [0.0, average])
    n = starts.size
    residuals = ends - (ends.sum() / starts.sum()) * starts
    variance = float((residuals**2).sum() / ((n - 1) * n * starts.mean() ** 2))
    return ratio, variance


def retained_arr_difference(
    start_treated: Sequence[float],
    end_treated: Sequence[float],
    start_held_back: Sequence[float],
    end_held_back: Sequence[float],
    *,
    level: float = LEVEL,
) -> Interval:
    """Treated minus held-back retained-ARR ratio (ARR at the window end over ARR at entry).

    Each arm's ratio R = Σend / Σstart (churned customers end at 0) weighs customers by their
    ARR, as the revenue figure does. Its variance comes from the delta method for a ratio of
    means, Var(R) ≈ Σ(endᵢ − R·startᵢ)² / ((n−1)·n·mean(start)²), computed with one lost and one
    kept customer of the arm's average ARR added (as Agresti-Caffo do for a proportion); the arms
    are independent, so the difference has variance Var(R_treated) + Var(R_held_back), and the
    interval is normal.
    """
    ratio_treated, var_treated = _ratio_and_variance(start_treated, end_treated)
    ratio_held_back, var_held_back = _ratio_and_variance(start_held_back, end_held_back)
    return normal_interval(
        ratio_treated - ratio_held_back, math.sqrt(var_treated + var_held_back), level
    )


def cuped_difference(
    outcome_treated: Sequence[float],
    covariate_treated: Sequence[float],
    outcome_held_back: Sequence[float],
    covariate_held_back: Sequence[float],
    *,
    level: float = LEVEL,
) -> CupedResult:
    """Treated minus held-back mean outcome, adjusted by a pre-period covariate (CUPED).

    θ = Cov(Y, X) / Var(X) on both arms pooled; Y' = Y − θ(X − mean X). Randomisation makes the
    covariate balanced, so the adjustment keeps the estimate unbiased while removing the part of
    the noise the covariate explains (Deng et al. 2013). Welch-style normal interval on Y' means.
    """
    y_t, x_t = _paired(outcome_treated, covariate_treated)
    y_h, x_h = _paired(outcome_held_back, covariate_held_back)
    y = np.concatenate([y_t, y_h])
    x = np.concatenate([x_t, x_h])
    x_variance = float(x.var(ddof=1))
    theta = float(np.cov(y, x, ddof=1)[0, 1] / x_variance) if x_variance > 0 else 0.0
    x_mean = float(x.mean())
    adjusted_t = y_t - theta * (x_t - x_mean)
    adjusted_h = y_h - theta * (x_h - x_mean)
    standard_error = math.sqrt(
        adjusted_t.var(ddof=1) / adjusted_t.size + adjusted_h.var(ddof=1) / adjusted_h.size
    )
    interval = normal_interval(float(adjusted_t.mean() - adjusted_h.mean()), standard_error, level)
    y_variance = float(y.var(ddof=1))
    adjusted_variance = float(np.concatenate([adjusted_t, adjusted_h]).var(ddof=1))
    removed = 1 - adjusted_variance / y_variance if y_variance > 0 else 0.0
    return CupedResult(interval, min(max(removed, 0.0), 1.0))


def _paired(
    outcome: Sequence[float], covariate: Sequence[float]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    y = np.asarray(outcome, dtype=float)
    x = np.asarray(covariate, dtype=float)
    if y.shape != x.shape:
        raise ValueError("every customer needs both an outcome and a covariate")
    if y.size < 2:
        raise ValueError("each group needs at least two customers")
    return y, x
