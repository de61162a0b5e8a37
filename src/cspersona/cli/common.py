"""What many commands need: the console and an engine on a checked, migrated database."""

from pathlib import Path

from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from cspersona.config import get_settings
from cspersona.db import migrate
from cspersona.db.engine import check_connection, describe, make_engine
from cspersona.exceptions import DatabaseError

console = Console()


def open_database(*, require_schema: bool = True) -> Engine:
    """An engine for the configured database, checked reachable and (by default) migrated."""
    engine = make_engine(get_settings().sqlalchemy_url)
    check_connection(engine)
    if require_schema:
        migrate.require_current_schema(engine)
    return engine


def open_database_if_ready() -> tuple[Engine | None, str]:
    """An engine when the configured database exists and is migrated, else None and why not.

    Unlike :func:`open_database` this never creates anything: an absent SQLite file stays absent.
    """
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
