"""Loads a world straight into the database (``--into-db``), one customer per batch.

A small SQLAlchemy Core loader: each customer's rows go in with a handful of multi-row INSERTs,
database ids of customers, contacts and interactions come back through RETURNING, and the whole
world is one transaction, so a failed load leaves the database as it was.
"""

from types import TracebackType
from typing import Any, Self

from sqlalchemy import Connection, Engine, Table, insert, select

from cspersona.conversations.models import AuthorRole, Interaction, InteractionType, Message
from cspersona.customers.models import (
    Contact,
    Customer,
    LifecycleEvent,
    LifecycleKind,
    NpsResponse,
    UsageDaily,
)
from cspersona.exceptions import Conflict
from cspersona.synth import ids
from cspersona.synth.world import LANGUAGE, CustomerBundle

SOURCE = "synthetic"


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


CUSTOMERS = _table(Customer)
CONTACTS = _table(Contact)
INTERACTIONS = _table(Interaction)
MESSAGES = _table(Message)
NPS_RESPONSES = _table(NpsResponse)
USAGE_DAILY = _table(UsageDaily)
LIFECYCLE_EVENTS = _table(LifecycleEvent)


class DatabaseSink:
    """Inserts customer bundles as they come, inside one transaction."""

    def __init__(self, engine: Engine) -> None:
        """Load into ``engine``'s database (already migrated)."""
        self.engine = engine
        self.rows: dict[str, int] = {}
        self._connection: Connection | None = None

    def __enter__(self) -> Self:
        """Open the transaction; refuse a database that already holds a generated world."""
        connection = self.engine.connect()
        connection.begin()
        first = ids.customer_id(1)
        if connection.scalar(select(CUSTOMERS.c.id).where(CUSTOMERS.c.external_id == first)):
            connection.close()
            raise Conflict(
                f"the database already holds a generated world (customer {first}); "
                "load into a fresh database, or run `cspersona db downgrade base` "
                "and `cspersona db upgrade` first"
            )
        self._connection = connection
        return self

    def write(self, bundle: CustomerBundle) -> None:
        """Insert one customer's rows."""
        connection = self._connection
        assert connection is not None, "use DatabaseSink as a context manager"
        data = bundle.data
        (customer_row,) = data["customers"]
        customer_id = connection.execute(
            insert(CUSTOMERS).returning(CUSTOMERS.c.id), [customer_row]
        ).scalar_one()
        contact_ids = self._insert_returning_ids(
            connection,
            CONTACTS,
            [
                {
                    "customer_id": customer_id,
                    "external_id": row["external_id"],
                    "name": row["name"],
                    "role": row["role"],
                    "email": row["email"],
                    "phone": row["phone"],
                }
                for row in data["contacts"]
            ],
        )
        interaction_ids = self._insert_returning_ids(
            connection,
            INTERACTIONS,
            [
                {
                    "customer_id": customer_id,
                    "contact_id": contact_ids[row["contact_external_id"]],
                    "type": InteractionType(row["type"]),
                    "channel": row["channel"],
                    "subject": row["subject"],
                    "status": row["status"],
                    "priority": row["priority"],
                    "started_at": row["started_at"],
                    "closed_at": row["closed_at"],
                    "source": SOURCE,
                    "external_id": row["external_id"],
                }
                for row in data["interactions"]
            ],
        )
        self._insert(
            connection,
            MESSAGES,
            [
                {
                    "interaction_id": interaction_ids[row["interaction_external_id"]],
                    "seq": row["seq"],
                    "author_role": AuthorRole(row["author_role"]),
                    "author_id": row["author_id"],
                    "sent_at": row["sent_at"],
                    "text": row["text"],
                    "language": LANGUAGE,
                    "external_id": row["external_id"],
                }
                for row in data["messages"]
            ],
        )
        self._insert(
            connection,
            NPS_RESPONSES,
            [
                {
                    "customer_id": customer_id,
                    "contact_id": contact_ids[row["contact_external_id"]],
                    "external_id": row["external_id"],
                    "score": row["score"],
                    "comment": row["comment"],
                    "answered_at": row["answered_at"],
                }
                for row in data["nps_responses"]
            ],
        )
        self._insert(
            connection,
            USAGE_DAILY,
            [
                {
                    "customer_id": customer_id,
                    "day": row["day"],
                    "active_users": row["active_users"],
                    "logins": row["logins"],
                    "events": row["events"],
                    "feature_adoption": row["feature_adoption"],
                }
                for row in data["usage_daily"]
            ],
        )
        self._insert(
            connection,
            LIFECYCLE_EVENTS,
            [
                {
                    "customer_id": customer_id,
                    "kind": LifecycleKind(row["kind"]),
                    "at": row["at"],
                    "amount": row["amount"],
                    "note": row["note"],
                }
                for row in data["lifecycle_events"]
            ],
        )
        for entity, rows in data.items():
            self.rows[entity] = self.rows.get(entity, 0) + len(rows)

    def __exit__(
        self,
        error_type: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Commit when every customer went in, roll back otherwise."""
        connection = self._connection
        if connection is None:
            return
        try:
            if error_type is None:
                connection.commit()
            else:
                connection.rollback()
        finally:
            connection.close()
            self._connection = None

    @staticmethod
    def _insert(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
        if rows:
            connection.execute(insert(table), rows)

    @staticmethod
    def _insert_returning_ids(
        connection: Connection, table: Table, rows: list[dict[str, Any]]
    ) -> dict[str, int]:
        """Insert ``rows`` and map each row's external id to its new database id."""
        if not rows:
            return {}
        result = connection.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
        )
        return {
            row["external_id"]: new_id for row, new_id in zip(rows, result.scalars(), strict=True)
        }
