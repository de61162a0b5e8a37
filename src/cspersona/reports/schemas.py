"""Pydantic models of the summaries the dashboard shows."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from cspersona.customers.schemas import CustomerFilters, CustomerRead, StatusRead
from cspersona.http.pagination import Page
from cspersona.predict.tiers import RiskTier


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
    status: StatusRead | None = None


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
    assigned_at: datetime = Field(
        description="When the run wrote this (wall clock, the run date), not a date in the data."
    )


RISK_HORIZON_DAYS = 90


class CustomerListFilters(CustomerFilters):
    """The customer list's filters: the customers' own, and their persona and risk tier."""

    persona_id: int | None = Field(default=None, description="Only this persona's customers.")
    risk_tier: RiskTier | None = Field(
        default=None, description=f"Only customers in this {RISK_HORIZON_DAYS}-day risk tier."
    )


class CustomerListItem(CustomerRead):
    """A customer as the list shows it: where it stands, its persona and its churn risk."""

    persona_id: int | None = Field(default=None, description="The current persona's id.")
    persona: str | None = Field(default=None, description="The current persona's name.")
    risk_tier_90d: RiskTier | None = Field(
        default=None,
        description="Where the 90-day churn risk ranks in the book; none when unscored or churned.",
    )
    churn_probability_90d: float | None = Field(
        default=None, description="Probability of churning within 90 days; none when unscored."
    )


CustomerListPage = Page[CustomerListItem]
