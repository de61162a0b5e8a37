"""Pydantic models of the summaries the dashboard shows."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class PersonaSize(BaseModel):
    """How many customers a persona holds and their share of the revenue."""

    persona_id: int
    name: str
    customers: int
    arr: float
    arr_share: float


class RiskBucket(BaseModel):
    """Customers whose churn probability falls in ``[low, high)``."""

    low: float
    high: float
    customers: int


class MonthlySentiment(BaseModel):
    """The mean sentiment of customers' messages in one month."""

    month: str
    mean_score: float
    messages: int


class PersonaPoint(BaseModel):
    """One customer on the persona map, read from their current persona's attributes."""

    model_config = ConfigDict(from_attributes=True)

    customer_id: int
    company_name: str
    persona_id: int
    persona_name: str
    confidence: float
    x: float = Field(validation_alias="map_x")
    y: float = Field(validation_alias="map_y")


class Member(BaseModel):
    """A customer of a persona and how well they fit it."""

    model_config = ConfigDict(from_attributes=True)

    customer_id: int
    company_name: str
    arr: float | None
    confidence: float


class Quote(BaseModel):
    """A customer's message that shows how a persona talks."""

    company_name: str
    text: str
    sentiment_score: float


class TopicShare(BaseModel):
    """A topic and how many of a persona's messages are about it."""

    name: str
    messages: int


class TimelineEntry(BaseModel):
    """One conversation on a customer's timeline with the mean sentiment of their messages."""

    interaction_id: int
    started_at: datetime
    type: str
    subject: str | None
    messages: int
    sentiment_score: float | None


class PersonaAssignment(BaseModel):
    """A customer's persona under one model version."""

    model_config = ConfigDict(from_attributes=True)

    persona_id: int
    persona_name: str
    model_version: str
    confidence: float
    assigned_at: datetime
