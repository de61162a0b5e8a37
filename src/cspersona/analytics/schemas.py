"""Pydantic shapes of what analytics report: churn signals, segments, customer summaries."""

from datetime import datetime

from pydantic import BaseModel, Field


class Evidence(BaseModel):
    """One message or metric behind a signal."""

    kind: str = Field(description="message, metric, ticket or nps")
    label: str
    value: float | None = None
    at: datetime | None = None
    message_id: int | None = None
    interaction_id: int | None = None
    text: str | None = None


class SeriesPoint(BaseModel):
    """A signal's metric over one 30-day period ending at ``period_end``."""

    period_end: datetime
    value: float | None


class ChurnSignal(BaseModel):
    """A churn warning: raised or not, how strongly, why, and the metric over time."""

    name: str
    raised: bool
    strength: float = Field(ge=0, le=1, description="0 when calm, 1 at the rule's extreme")
    summary: str
    evidence: list[Evidence] = []
    series: list[SeriesPoint] = []


class FeatureAdoption(BaseModel):
    """One product feature at one customer: when it was adopted and how much it is used."""

    feature: str
    days_to_adopt: float | None
    share_of_use: float | None


class Segment(BaseModel):
    """Behavioural segment: engagement pattern, adoption and support habits."""

    engagement: str = Field(description="high-touch, mixed or self-serve")
    engagement_reason: str
    adoption_breadth_30d: float | None
    adoption: list[FeatureAdoption] = []
    support_pattern: str
    repeat_topics: list[str] = []


class CustomerSummary(BaseModel):
    """What ``cspersona customers show`` prints: patterns, segment and signals of one customer."""

    customer_id: int
    company_name: str
    as_of: datetime = Field(
        description="The moment described: the given date, else the data's latest."
    )
    patterns: dict[str, float | str | None]
    segment: Segment
    signals: list[ChurnSignal]
