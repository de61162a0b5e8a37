"""Engines and sessions, with the connection checks that turn failures into one-line errors."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from cspersona.exceptions import DatabaseError

# How long a SQLite connection waits for another writer before giving up.
SQLITE_BUSY_TIMEOUT_MS = 30000


def make_engine(url: str, **engine_options: Any) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and a busy timeout to share with the API."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **engine_options)
        event.listen(engine, "connect", _configure_sqlite_connection)
        event.listen(engine, "begin", _begin_sqlite_transaction)
        return engine
    return create_engine(url, pool_pre_ping=True, **engine_options)


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control away from the sqlite3 module, which starts transactions late and
    # breaks SAVEPOINT; SQLAlchemy then emits BEGIN itself (see _begin_sqlite_transaction).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# Execution option choosing how SQLite transactions begin: "DEFERRED" (default) or "IMMEDIATE".
SQLITE_BEGIN = "sqlite_begin"


def _begin_sqlite_transaction(connection: Connection) -> None:
    mode = connection.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
    if mode not in {"DEFERRED", "IMMEDIATE"}:
        raise ValueError(f"{SQLITE_BEGIN} must be DEFERRED or IMMEDIATE, not {mode!r}")
    connection.exec_driver_sql(f"BEGIN {mode}")


@contextmanager
def brief_lock_wait(connection: Connection, milliseconds: int) -> Iterator[None]:
    """On SQLite, wait at most ``milliseconds`` for the write lock inside the block.

    For best-effort writes (job progress) that must not stall behind a long transaction, which
    on SQLite may even belong to the same thread. Other backends lock rows, not the database,
    so they are left alone.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    connection.exec_driver_sql(f"PRAGMA busy_timeout={milliseconds}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose objects stay readable after commit (services return them)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def writer_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for background writers such as jobs.

    On SQLite their transactions take the write lock as they begin (``BEGIN IMMEDIATE``). A
    deferred transaction that reads, then writes after another connection committed, fails at
    once on a stale snapshot; taking the lock first makes other writers wait instead. Other
    backends lock rows and are unaffected.
    """
    return make_session_factory(engine.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"}))


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Open a session, commit when the block succeeds, roll back when it raises, always close."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def describe(engine: Engine) -> str:
    """The engine's URL without its password, for messages."""
    return engine.url.render_as_string(hide_password=True)


def check_connection(engine: Engine) -> str:
    """Connect once and return the server version, or raise a :class:`DatabaseError` saying why."""
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                return "SQLite " + str(connection.execute(text("select sqlite_version()")).scalar())
            return str(connection.execute(text("select version()")).scalar()).split(" on ")[0]
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise DatabaseError(
            f"cannot reach the database at {describe(engine)} ({reason}); "
            "is the server running, and is CSPERSONA_DATABASE_URL right?"
        ) from None
