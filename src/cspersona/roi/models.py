"""What followed each intervention over 30, 60 and 90 days, refreshed as data arrives."""

from datetime import date, datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from cspersona.db.base import Base
from cspersona.db.types import utc_now

WINDOWS = (30, 60, 90)


class InterventionOutcome(Base):
    """One intervention's outcome over one window after it, as far as the data reaches.

    ``complete`` is false while the window reaches past the data's latest day: the figures are
    then those seen so far, and effects count only complete windows.
    """

    __tablename__ = "intervention_outcomes"

    intervention_id: Mapped[int] = mapped_column(
        ForeignKey("interventions.id", ondelete="CASCADE"), primary_key=True
    )
    window_days: Mapped[int] = mapped_column(primary_key=True)
    window_end: Mapped[date]
    complete: Mapped[bool]
    churned: Mapped[bool]
    renewed: Mapped[bool]
    arr_start: Mapped[float | None]
    arr_end: Mapped[float | None]
    nps_before: Mapped[float | None]
    nps_after: Mapped[float | None]
    sentiment_before: Mapped[float | None]
    sentiment_after: Mapped[float | None]
    usage_before: Mapped[float | None]
    usage_after: Mapped[float | None]
    computed_at: Mapped[datetime] = mapped_column(default=utc_now)
