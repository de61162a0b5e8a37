"""Fixtures shared by the whole suite: isolated settings and real databases on every backend.

Database tests run on SQLite always and on PostgreSQL when ``CSPERSONA_TEST_DATABASE_URL`` names a
server: each test session creates uniquely named databases there and drops them at the end.
"""

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from cspersona.api.app import create_app
from cspersona.api.deps import get_db
from cspersona.config import Settings, get_settings, load_settings
from cspersona.db import migrate
from cspersona.db.engine import make_engine

POSTGRES_URL_VARIABLE = "CSPERSONA_TEST_DATABASE_URL"
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(autouse=True)
def isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Keep the developer's environment and ``.env`` out: each test starts from defaults."""
    for name in list(os.environ):
        if name.startswith("CSPERSONA_") and name != POSTGRES_URL_VARIABLE:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CSPERSONA_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


class DatabaseFactory:
    """Creates empty databases of one backend and drops them all when the session ends."""

    def __init__(self, backend: str, folder: Path) -> None:
        self.backend = backend
        self.folder = folder
        self.created: list[str] = []
        self.admin_engine: Engine | None = None
        if backend == "postgresql":
            server_url = os.environ.get(POSTGRES_URL_VARIABLE)
            if not server_url:
                pytest.skip(f"{POSTGRES_URL_VARIABLE} is not set: PostgreSQL tests not run")
            admin_url = load_settings(database_url=server_url).sqlalchemy_url
            self.admin_engine = make_engine(admin_url, isolation_level="AUTOCOMMIT")

    def create(self) -> str:
        """A URL to a new, empty database."""
        name = f"cspersona_test_{uuid.uuid4().hex[:12]}"
        self.created.append(name)
        if self.admin_engine is None:
            return f"sqlite:///{self.folder / name}.db"
        with self.admin_engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(self.admin_engine.url).set(database=name)
        return url.render_as_string(hide_password=False)

    def drop_all(self) -> None:
        """Drop every database this factory created."""
        if self.admin_engine is None:
            return
        with self.admin_engine.connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin_engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_factory(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DatabaseFactory]:
    """One factory per backend; PostgreSQL is skipped (visibly) when no server is configured."""
    factory = DatabaseFactory(request.param, tmp_path_factory.mktemp("databases"))
    yield factory
    factory.drop_all()


@pytest.fixture(scope="session")
def migrated_engine(database_factory: DatabaseFactory) -> Iterator[Engine]:
    """An engine on a database migrated to head, shared by the tests of one backend."""
    engine = make_engine(database_factory.create())
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@contextmanager
def rolled_back_session(engine: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back at the end, even if the code committed."""
    connection = engine.connect()
    transaction = connection.begin()
    session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        yield session
    finally:
        session.close()
        transaction.rollback()
        connection.close()


@pytest.fixture
def db_session(migrated_engine: Engine) -> Iterator[Session]:
    """A session whose writes vanish after the test."""
    with rolled_back_session(migrated_engine) as session:
        yield session


@pytest.fixture
def settings_for(tmp_path: Path) -> Callable[[Engine], Settings]:
    """Settings pointing at a test engine's database."""

    def build(engine: Engine) -> Settings:
        url = engine.url.render_as_string(hide_password=False)
        return load_settings(database_url=url, data_dir=tmp_path / "data")

    return build


@pytest.fixture
def app(
    migrated_engine: Engine,
    db_session: Session,
    settings_for: Callable[[Engine], Settings],
) -> FastAPI:
    """The API bound to the test database, with every request using the test's session."""
    application = create_app(settings_for(migrated_engine))
    application.dependency_overrides[get_db] = lambda: db_session
    return application


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """An HTTP client for :func:`app`."""
    with TestClient(app) as test_client:
        yield test_client
