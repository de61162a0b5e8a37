"""Confidence intervals for the effects ROI reports (contract; implemented by the statistics work).

Every figure is an :class:`Interval`: the estimate and its bounds at a stated level, 90% unless
asked otherwise, so a reader never sees a point estimate without its uncertainty.
"""

from dataclasses import dataclass

LEVEL = 0.90


@dataclass(frozen=True)
class Interval:
    """An estimate with its confidence bounds at ``level``."""

    estimate: float
    low: float
    high: float
    level: float = LEVEL

    def covers(self, value: float) -> bool:
        """Whether ``value`` lies inside the bounds (inclusive)."""
        return self.low <= value <= self.high

    def scaled(self, factor: float) -> "Interval":
        """The same interval multiplied by ``factor`` (a positive number: ARR, a count)."""
        return Interval(self.estimate * factor, self.low * factor, self.high * factor, self.level)
