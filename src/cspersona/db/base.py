"""The declarative base every ORM model derives from."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from cspersona.db.types import UTCDateTime, utc_now

# Named constraints let Alembic drop and alter them on both backends (SQLite batch mode
# needs the names).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class with portable type mappings: aware datetimes and JSON documents."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


class CreatedAtMixin:
    """Adds the time a row was written, for audit and incremental processing."""

    created_at: Mapped[datetime] = mapped_column(default=utc_now)
