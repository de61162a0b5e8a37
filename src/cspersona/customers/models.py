"""ORM models for customers and everything measured per customer outside conversations."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cspersona.db.base import Base, CreatedAtMixin
from cspersona.db.types import string_enum


class Customer(CreatedAtMixin, Base):
    """A customer company. Its archetype is deliberately absent: ground truth stays outside."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(128), unique=True)
    company_name: Mapped[str] = mapped_column(String(255))
    industry: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[str | None] = mapped_column(String(32))
    plan: Mapped[str | None] = mapped_column(String(32))
    arr: Mapped[float | None]
    region: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(8))
    contract_start: Mapped[date | None]
    renewal_date: Mapped[date | None]
    csm_owner: Mapped[str | None] = mapped_column(String(255), index=True)

    contacts: Mapped[list["Contact"]] = relationship(back_populates="customer")


class Contact(CreatedAtMixin, Base):
    """A person at a customer. Name, email and phone are PII and may be stored pseudonymised."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    external_id: Mapped[str | None] = mapped_column(String(128), unique=True)
    name: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str | None] = mapped_column(String(128))
    email: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(64))

    customer: Mapped[Customer] = relationship(back_populates="contacts")


class NpsResponse(CreatedAtMixin, Base):
    """One answer to a Net Promoter Score survey."""

    __tablename__ = "nps_responses"
    __table_args__ = (CheckConstraint("score >= 0 AND score <= 10", name="score_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    external_id: Mapped[str | None] = mapped_column(String(128), unique=True)
    score: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime] = mapped_column(index=True)


class UsageDaily(Base):
    """One customer's product usage on one day; ``feature_adoption`` maps feature to use count."""

    __tablename__ = "usage_daily"
    __table_args__ = (UniqueConstraint("customer_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[date]
    active_users: Mapped[int] = mapped_column(default=0)
    logins: Mapped[int] = mapped_column(default=0)
    events: Mapped[int] = mapped_column(default=0)
    feature_adoption: Mapped[dict[str, Any]] = mapped_column(default=dict)


class LifecycleKind(StrEnum):
    """What happened to a customer's contract."""

    RENEWED = "renewed"
    CHURNED = "churned"
    EXPANDED = "expanded"
    CONTRACTED = "contracted"
    DOWNGRADED = "downgraded"


class LifecycleEvent(CreatedAtMixin, Base):
    """A contract event: the outcomes churn and expansion models learn from."""

    __tablename__ = "lifecycle_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[LifecycleKind] = mapped_column(string_enum(LifecycleKind))
    at: Mapped[datetime] = mapped_column(index=True)
    amount: Mapped[float | None]
    note: Mapped[str | None] = mapped_column(Text)
