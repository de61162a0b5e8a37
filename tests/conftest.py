"""Fixtures shared by the whole suite: isolated settings and real databases on every backend.

Database tests run on SQLite always and on PostgreSQL when ``CSPERSONA_TEST_DATABASE_URL`` names a
server: each test session creates uniquely named databases there and drops them at the end.

API clients carry an API key: ``client`` is an admin's, ``viewer_client``, ``analyst_client`` and
``csm_client`` (owner of ``CSM_OWNER``'s customers) act in those roles, ``anonymous_client`` has
none, and ``client_for(role, csm_owner=...)`` makes any other.

``analysed_world`` is a small synthetic world analysed once per session, for the analytics tests
and the commands that read what analytics wrote (``customers show``, ``pipeline run``).
"""

import itertools
import os
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from cspersona.analytics import evaluation
from cspersona.analytics import service as analytics
from cspersona.api.app import create_app
from cspersona.auth import service as auth_service
from cspersona.auth.models import Role
from cspersona.auth.schemas import CsmCreate, StaffCreate
from cspersona.catalogue.models import load_catalogue
from cspersona.config import Settings, get_settings, load_settings
from cspersona.db import migrate
from cspersona.db.engine import make_engine, make_session_factory, session_scope
from cspersona.http.deps import get_db
from cspersona.nlp import service as nlp
from cspersona.synth.loader import DatabaseSink
from cspersona.synth.service import generate
from cspersona.synth.world import World

POSTGRES_URL_VARIABLE = "CSPERSONA_TEST_DATABASE_URL"
BACKENDS = ["sqlite", "postgresql"]
CSM_OWNER = "Dana Scully"
ANALYSED_WORLD_SEED = 23
ANALYSED_WORLD_SCALE = 0.1
_user_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Keep the developer's environment and ``.env`` out: each test starts from defaults."""
    for name in list(os.environ):
        if name.startswith("CSPERSONA_") and name != POSTGRES_URL_VARIABLE:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CSPERSONA_DATA_DIR", str(tmp_path / "data"))
    # Tests run two at a time already; NLP worker processes are tested where they are the point.
    monkeypatch.setenv("CSPERSONA_NLP_WORKERS", "1")
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


@pytest.fixture(scope="session")
def committed_engine(database_factory: DatabaseFactory) -> Iterator[Engine]:
    """An engine on a migrated database whose writes stay, shared by the tests of one backend.

    For code that reads in another thread or process (job runners, a served app), which cannot
    see the uncommitted rows of :func:`db_session`. Tests must not rely on it being empty: they
    add rows with names of their own and look only at those. (One database per backend, since
    each PostgreSQL database costs seconds to drop.)
    """
    engine = make_engine(database_factory.create())
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@dataclass(frozen=True)
class AnalysedWorld:
    """The world's database and its truth, keyed by external id."""

    engine: Engine
    customers: evaluation.TruthRows
    interactions: evaluation.TruthRows

    def cli_environment(self) -> dict[str, str]:
        """Environment variables that point the CLI at the world's database."""
        return {"CSPERSONA_DATABASE_URL": self.engine.url.render_as_string(hide_password=False)}


@pytest.fixture(scope="session")
def analysed_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AnalysedWorld]:
    """25 customers whose messages went through the real NLP stage, then conversation dynamics."""
    path: Path = tmp_path_factory.mktemp("analytics") / "world.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    truth = evaluation.TruthCollector()
    world = World(seed=ANALYSED_WORLD_SEED, scale=ANALYSED_WORLD_SCALE, catalogue=load_catalogue())
    with DatabaseSink(engine) as sink:
        generate(world=world, sinks=[sink, truth])
    with Session(engine) as db_session:
        nlp.analyze_pending(db_session=db_session, settings=load_settings(database_url=url))
        analytics.analyse_interactions(db_session=db_session)
        db_session.commit()
    yield AnalysedWorld(
        engine=engine,
        customers=truth.by_id("customers"),
        interactions=truth.by_id("interactions"),
    )
    engine.dispose()


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
    """The API bound to the test database, with every request using the test's session.

    Jobs are queued, never run: the rolled-back session's job rows are invisible to a runner's
    thread, which would only fight the next test for SQLite's write lock (``committed_app`` runs
    them for real).
    """
    application = create_app(settings_for(migrated_engine))
    application.dependency_overrides[get_db] = lambda: db_session
    application.state.job_runner.shutdown()
    application.state.job_runner = QueuedOnlyRunner()
    return application


class QueuedOnlyRunner:
    """A job runner that keeps what it was given and runs none of it."""

    name = "queued-only"

    def __init__(self) -> None:
        self.submitted: list[int] = []

    def submit(self, job_id: int) -> None:
        """Remember the job."""
        self.submitted.append(job_id)

    def live_progress(self, job_id: int) -> None:
        """No job runs, so none has progress."""
        return None

    def shutdown(self) -> None:
        """Nothing to stop."""


def add_user_with_key(
    db_session: Session, *, secret_key: str, role: Role, csm_owner: str | None = None
) -> str:
    """Create a user of ``role`` (a CSM owning ``csm_owner``) with an API key; return the key."""
    name = f"{role}-{next(_user_numbers)}"
    user_in = (
        CsmCreate(name=name, role=role, csm_owner=csm_owner or CSM_OWNER)
        if role is Role.CSM
        else StaffCreate(name=name, role=role)
    )
    user = auth_service.create_user(db_session=db_session, user_in=user_in)
    _api_key, key = auth_service.create_key(db_session=db_session, user=user, secret_key=secret_key)
    return key


def bearer(key: str) -> dict[str, str]:
    """The header that authenticates a request with ``key``."""
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def client_for(app: FastAPI, db_session: Session) -> Callable[..., TestClient]:
    """Build a client acting as a new user of a role: ``client_for(Role.CSM, csm_owner="X")``."""

    def build(role: Role, csm_owner: str | None = None) -> TestClient:
        key = add_user_with_key(
            db_session, secret_key=app.state.settings.secret_key, role=role, csm_owner=csm_owner
        )
        return TestClient(app, headers=bearer(key))

    return build


@pytest.fixture
def client(app: FastAPI, db_session: Session) -> Iterator[TestClient]:
    """An HTTP client for :func:`app` with an admin's API key (admins may do everything)."""
    key = add_user_with_key(db_session, secret_key=app.state.settings.secret_key, role=Role.ADMIN)
    with TestClient(app, headers=bearer(key)) as test_client:
        yield test_client


@pytest.fixture
def anonymous_client(app: FastAPI) -> TestClient:
    """A client without an API key."""
    return TestClient(app)


@pytest.fixture
def viewer_client(client_for: Callable[..., TestClient]) -> TestClient:
    """A client with a viewer's key: reads everything, changes nothing."""
    return client_for(Role.VIEWER)


@pytest.fixture
def analyst_client(client_for: Callable[..., TestClient]) -> TestClient:
    """A client with an analyst's key: reads everything and runs jobs."""
    return client_for(Role.ANALYST)


@pytest.fixture
def csm_client(client_for: Callable[..., TestClient]) -> TestClient:
    """A client with the key of a CSM who owns the customers whose csm_owner is CSM_OWNER."""
    return client_for(Role.CSM, csm_owner=CSM_OWNER)


@pytest.fixture
def committed_app(
    committed_engine: Engine, settings_for: Callable[[Engine], Settings]
) -> Iterator[FastAPI]:
    """The real app on :func:`committed_engine`, whose inline runner really runs jobs.

    Job routes are tested with it: the ``app`` fixture's rolled-back session is invisible to the
    runner's thread.
    """
    application = create_app(settings_for(committed_engine))
    yield application
    application.state.job_runner.shutdown()


@pytest.fixture
def committed_client_for(
    committed_app: FastAPI, committed_engine: Engine
) -> Callable[..., TestClient]:
    """Build a client of :func:`committed_app` acting as a new user of a role."""

    def build(role: Role, csm_owner: str | None = None) -> TestClient:
        with session_scope(make_session_factory(committed_engine)) as db_session:
            key = add_user_with_key(
                db_session,
                secret_key=committed_app.state.settings.secret_key,
                role=role,
                csm_owner=csm_owner,
            )
        return TestClient(committed_app, headers=bearer(key))

    return build


def wait_for_job(client: TestClient, job_id: int, timeout: float = 30) -> dict[str, Any]:
    """Poll ``GET /api/jobs/{id}`` until the job succeeded or failed; return it."""
    deadline = time.monotonic() + timeout
    while True:
        job: dict[str, Any] = client.get(f"/api/jobs/{job_id}").json()
        if job["status"] in {"succeeded", "failed"}:
            return job
        assert time.monotonic() < deadline, f"job {job_id} still {job['status']} after {timeout} s"
        time.sleep(0.05)
