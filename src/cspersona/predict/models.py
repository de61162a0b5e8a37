"""ORM model for churn scores: each customer's churn probability per horizon and model version."""

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from cspersona.db.base import Base
from cspersona.db.types import utc_now


class ChurnScore(Base):
    """A customer's probability of churning within ``horizon_days``, and why.

    ``drivers`` is a JSON list of ``{"column", "value", "contribution", "direction", "size",
    "phrase"}``; ``interventions`` a JSON list of ``{"action", "reason", "drivers"}`` for
    customers in the high risk tier. The interval bounds are set when the model reports its
    uncertainty (small books).
    """

    __tablename__ = "churn_scores"
    __table_args__ = (
        Index(None, "customer_id", "scored_at"),
        CheckConstraint("probability >= 0 AND probability <= 1", name="probability_range"),
        CheckConstraint("horizon_days > 0", name="horizon_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    horizon_days: Mapped[int]
    probability: Mapped[float]
    probability_low: Mapped[float | None]
    probability_high: Mapped[float | None]
    # Where the probability ranks in the book at its scoring (predict.tiers); null before tiers.
    risk_tier: Mapped[str | None] = mapped_column(String(16))
    times_book_average: Mapped[float | None]
    drivers: Mapped[list[Any]] = mapped_column(default=list)
    interventions: Mapped[list[Any]] = mapped_column(default=list)
    model_version: Mapped[str] = mapped_column(String(64), index=True)
    scored_at: Mapped[datetime] = mapped_column(default=utc_now)


class ExpansionScore(Base):
    """A customer's chance of expanding within 90 days, what it adopts next, and when to ask.

    ``drivers`` is a JSON list like :class:`ChurnScore`'s; ``next_features`` a list of
    ``{"feature", "score"}`` (most likely first); ``timing`` is ``{"when": "now" | "wait",
    "reason"}``.
    """

    __tablename__ = "expansion_scores"
    __table_args__ = (
        CheckConstraint("likelihood >= 0 AND likelihood <= 1", name="likelihood_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    likelihood: Mapped[float]
    drivers: Mapped[list[Any]] = mapped_column(default=list)
    next_features: Mapped[list[Any]] = mapped_column(default=list)
    timing: Mapped[dict[str, Any]] = mapped_column(default=dict)
    model_version: Mapped[str] = mapped_column(String(64), index=True)
    scored_at: Mapped[datetime] = mapped_column(default=utc_now)
