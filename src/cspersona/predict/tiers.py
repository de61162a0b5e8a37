"""Risk tiers relative to the book: who a CSM should look at first, whatever the base rate.

A calibrated probability of 6% says little on its own when the whole book scores 3-10%. The
tier ranks it: the riskiest ``high_share`` of the scored customers are **high**, the next
``elevated_share`` **elevated**, the rest **normal**; and each probability is also said as a
multiple of the book's average ("3 times the book's average").
"""

import math
from enum import StrEnum

import numpy as np


class RiskTier(StrEnum):
    """Where a customer's churn risk ranks in the book."""

    HIGH = "high"
    ELEVATED = "elevated"
    NORMAL = "normal"


def risk_tiers(
    probabilities: np.ndarray, *, high_share: float, elevated_share: float
) -> list[RiskTier]:
    """Each probability's tier by rank: at least one customer is high when any is scored."""
    count = len(probabilities)
    # Rounded first, so that 0.1 + 0.2 of 20 customers is 6, not 7 by a float's last digit.
    high = math.ceil(round(high_share * count, 9)) if high_share > 0 else 0
    elevated = math.ceil(round((high_share + elevated_share) * count, 9))
    order = np.argsort(-probabilities, kind="stable")
    tiers = [RiskTier.NORMAL] * count
    for rank, position in enumerate(order):
        if rank < high:
            tiers[position] = RiskTier.HIGH
        elif rank < elevated:
            tiers[position] = RiskTier.ELEVATED
    return tiers


def times_book_average(probabilities: np.ndarray) -> np.ndarray:
    """Each probability as a multiple of the book's mean (1.0 when the mean is zero)."""
    mean = float(probabilities.mean()) if len(probabilities) else 0.0
    if mean <= 0:
        return np.ones_like(probabilities)
    return np.round(probabilities / mean, 2)
