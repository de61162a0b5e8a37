"""ORM models for users and their API keys."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cspersona.db.base import Base, CreatedAtMixin
from cspersona.db.types import string_enum


class Role(StrEnum):
    """What a user may do; docs/security.md spells out each role."""

    ADMIN = "admin"
    ANALYST = "analyst"
    CSM = "csm"
    VIEWER = "viewer"


class User(CreatedAtMixin, Base):
    """A person or service that calls the product.

    A CSM owns the customers whose ``customers.csm_owner`` equals the user's ``csm_owner``.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[Role] = mapped_column(string_enum(Role))
    csm_owner: Mapped[str | None] = mapped_column(String(255))

    api_keys: Mapped[list["ApiKey"]] = relationship(back_populates="user")


class ApiKey(CreatedAtMixin, Base):
    """An API key, stored only as a keyed digest; ``prefix`` tells keys apart safely."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    label: Mapped[str | None] = mapped_column(String(128))
    prefix: Mapped[str] = mapped_column(String(16))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="api_keys")
