"""Fixtures for job tests: a committed database, queued jobs, and an app with job routes."""

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import APIRouter, Depends, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from cspersona.api.app import create_app
from cspersona.auth.deps import get_principal
from cspersona.auth.models import Role
from cspersona.config import Settings
from cspersona.db.engine import session_scope, writer_session_factory
from cspersona.jobs.models import Job
from cspersona.jobs.router import add_job_route
from tests.conftest import add_user_with_key, bearer
from tests.jobs import sample_kinds


@pytest.fixture
def session_factory(committed_engine: Engine) -> sessionmaker[Session]:
    """Sessions on the module's committed database, as a runner opens them."""
    return writer_session_factory(committed_engine)


@pytest.fixture
def queue_job(session_factory: sessionmaker[Session]) -> Callable[..., int]:
    """Store a queued job of ``kind`` with ``params``; returns its id."""

    def queue(kind: str, params: dict[str, Any] | None = None, runner: str = "test") -> int:
        with session_scope(session_factory) as db_session:
            job = Job(kind=kind, params=params or {}, runner=runner)
            db_session.add(job)
            db_session.flush()
            return job.id

    return queue


@pytest.fixture
def load_job(session_factory: sessionmaker[Session]) -> Callable[[int], Job]:
    """Read a job as it is now in the database."""

    def load(job_id: int) -> Job:
        with session_factory() as db_session:
            job = db_session.get(Job, job_id)
            assert job is not None
            return job

    return load


@pytest.fixture
def jobs_app(
    committed_engine: Engine, settings_for: Callable[[Engine], Settings]
) -> Iterator[FastAPI]:
    """The real app on the committed database, with routes for the test job kinds.

    The routes are added as a stage adds its own (``add_job_route``); the app's inline runner is
    stopped afterwards.
    """
    app = create_app(settings_for(committed_engine))
    router = APIRouter(prefix="/api/test-jobs", dependencies=[Depends(get_principal)])
    for path, kind in (
        ("/count", sample_kinds.count),
        ("/refuse", sample_kinds.refuse),
        ("/gate", sample_kinds.wait_at_gate),
    ):
        add_job_route(router, path, kind)
    app.include_router(router)
    yield app
    app.state.job_runner.shutdown()


@pytest.fixture
def jobs_client_for(
    jobs_app: FastAPI, session_factory: sessionmaker[Session]
) -> Callable[..., TestClient]:
    """A client of :func:`jobs_app` acting as a new user of a role."""

    def build(role: Role, csm_owner: str | None = None) -> TestClient:
        with session_scope(session_factory) as db_session:
            key = add_user_with_key(
                db_session,
                secret_key=jobs_app.state.settings.secret_key,
                role=role,
                csm_owner=csm_owner,
            )
        return TestClient(jobs_app, headers=bearer(key))

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
