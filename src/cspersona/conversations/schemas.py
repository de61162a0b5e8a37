"""Pydantic models for conversations as the API shows them."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from cspersona.conversations.models import InteractionType
from cspersona.http.pagination import Page


class InteractionRead(BaseModel):
    """One conversation's header: what, when, where from, and how many messages."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    customer_id: int
    type: InteractionType
    channel: str | None
    subject: str | None
    status: str | None
    priority: str | None
    started_at: datetime
    closed_at: datetime | None
    source: str
    message_count: int


InteractionPage = Page[InteractionRead]


class MonthlyActivity(BaseModel):
    """How many conversations of one type a customer started in one month."""

    month: str
    type: InteractionType
    count: int
