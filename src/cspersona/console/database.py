"""Opening the configured database from a command: checked reachable, migrated, one session."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from cspersona.config import get_settings
from cspersona.db.engine import (
    check_connection,
    describe,
    make_engine,
    make_session_factory,
    session_scope,
)
from cspersona.exceptions import DatabaseError

# Alembic (cspersona.db.migrate) loads when a command opens a database, not when the CLI starts.


def open_database(*, require_schema: bool = True) -> Engine:
    """An engine for the configured database, checked reachable and (by default) migrated."""
    from cspersona.db import migrate

    engine = make_engine(get_settings().sqlalchemy_url)
    check_connection(engine)
    if require_schema:
        migrate.require_current_schema(engine)
    return engine


@contextmanager
def database_session() -> Iterator[Session]:
    """A session on the configured, migrated database, committed if the block succeeds."""
    engine = open_database()
    try:
        with session_scope(make_session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def open_database_if_ready() -> tuple[Engine | None, str]:
    """An engine when the configured database exists and is migrated, else None and why not.

    Unlike :func:`open_database` this never creates anything: an absent SQLite file stays absent.
    """
    from cspersona.db import migrate

    url = make_url(get_settings().sqlalchemy_url)
    if url.get_backend_name() == "sqlite" and not (url.database and Path(url.database).is_file()):
        return None, f"no database at {url.database or 'memory'}"
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        check_connection(engine)
        migrate.require_current_schema(engine)
    except DatabaseError as error:
        engine.dispose()
        return None, error.message
    return engine, describe(engine)
