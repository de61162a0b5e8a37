"""Pydantic models for churn risk and expansion as the insights API shows them."""

from datetime import datetime
from enum import IntEnum, StrEnum

from pydantic import BaseModel, Field

from cspersona.http.pagination import Page
from cspersona.predict.tiers import RiskTier


class Horizon(IntEnum):
    """The churn horizons the product model scores, in days."""

    DAYS_30 = 30
    DAYS_60 = 60
    DAYS_90 = 90


class DriverRead(BaseModel):
    """One feature's push on a customer's score, in plain language."""

    column: str
    value: float | str | None
    contribution: float
    direction: str
    size: str
    phrase: str


class InterventionRead(BaseModel):
    """A recommended action, why, and the drivers behind it."""

    action: str
    reason: str
    drivers: list[str]


class RiskSort(StrEnum):
    """Columns the churn-risk table sorts by."""

    PROBABILITY = "probability"
    ARR = "arr"
    COMPANY_NAME = "company_name"


class CustomerRef(BaseModel):
    """Who a score is about: the customer, its revenue, its CSM and its current persona."""

    customer_id: int
    company_name: str
    arr: float | None
    csm_owner: str | None
    persona_id: int | None
    persona: str | None


class ChurnRiskRead(CustomerRef):
    """A customer's churn probability within one horizon, with its drivers and interventions."""

    horizon_days: int
    probability: float
    probability_low: float | None
    probability_high: float | None
    risk_tier: RiskTier | None = Field(
        default=None,
        description="Where the probability ranks in the book: the riskiest tenth high (by "
        "default), the next fifth elevated, the rest normal; null for scores older than tiers.",
    )
    times_book_average: float | None = Field(
        default=None, description="The probability as a multiple of the book's average."
    )
    drivers: list[DriverRead]
    interventions: list[InterventionRead]
    model_version: str
    scored_at: datetime = Field(
        description="When the run wrote this (wall clock, the run date), not a date in the data."
    )


class FeatureChance(BaseModel):
    """A feature the customer has not adopted yet, and how likely it is to be next."""

    feature: str
    score: float


class TimingRead(BaseModel):
    """When to bring up an expansion: ``now`` or ``wait``, and why."""

    when: str
    reason: str


class ExpansionRead(CustomerRef):
    """A customer's likelihood of expanding within 90 days, its next features and the timing."""

    likelihood: float
    drivers: list[DriverRead]
    next_features: list[FeatureChance]
    timing: TimingRead
    model_version: str
    scored_at: datetime = Field(
        description="When the run wrote this (wall clock, the run date), not a date in the data."
    )


ChurnRiskPage = Page[ChurnRiskRead]
ExpansionPage = Page[ExpansionRead]
