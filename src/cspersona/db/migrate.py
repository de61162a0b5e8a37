"""Schema migrations: upgrade, downgrade and the check that a database matches the code."""

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from cspersona.db.engine import check_connection, describe
from cspersona.exceptions import DatabaseError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
FILE_TEMPLATE = "%%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d-%%(rev)s_%%(slug)s"


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic config for the packaged migrations, bound to ``engine`` when given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", FILE_TEMPLATE)
    if engine is not None:
        config.attributes["url"] = engine.url.render_as_string(hide_password=False)
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database forward to ``revision`` (the latest by default)."""
    check_connection(engine)
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the database back to ``revision`` (``base`` removes every table)."""
    check_connection(engine)
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    """The revision the code expects (read once: the migration files do not change at run time)."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    check_connection(engine)
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def require_current_schema(engine: Engine) -> None:
    """Raise a one-line :class:`DatabaseError` unless the database is at the code's revision."""
    current, head = current_revision(engine), head_revision()
    if current == head:
        return
    state = (
        "has no schema yet" if current is None else f"is at revision {current}, code needs {head}"
    )
    raise DatabaseError(
        f"the database at {describe(engine)} {state}; run `cspersona db upgrade` to migrate it"
    )
