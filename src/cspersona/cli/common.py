"""What many commands need: the console and an engine on a checked, migrated database."""

from rich.console import Console
from sqlalchemy import Engine

from cspersona.config import get_settings
from cspersona.db import migrate
from cspersona.db.engine import check_connection, make_engine

console = Console()


def open_database(*, require_schema: bool = True) -> Engine:
    """An engine for the configured database, checked reachable and (by default) migrated."""
    engine = make_engine(get_settings().sqlalchemy_url)
    check_connection(engine)
    if require_schema:
        migrate.require_current_schema(engine)
    return engine
