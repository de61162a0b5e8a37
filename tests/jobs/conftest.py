"""Fixtures for job tests: a committed database, queued jobs, and an app with job routes."""

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import APIRouter, Depends, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from cspersona.auth.deps import get_principal
from cspersona.db.engine import session_scope, writer_session_factory
from cspersona.jobs.models import Job
from cspersona.jobs.router import add_job_route
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
def jobs_app(committed_app: FastAPI) -> FastAPI:
    """:func:`committed_app` with routes for the test job kinds, added as a stage adds its own."""
    router = APIRouter(prefix="/api/test-jobs", dependencies=[Depends(get_principal)])
    for path, kind in (
        ("/count", sample_kinds.count),
        ("/refuse", sample_kinds.refuse),
        ("/gate", sample_kinds.wait_at_gate),
    ):
        add_job_route(router, path, kind)
    committed_app.include_router(router)
    return committed_app


@pytest.fixture
def jobs_client_for(
    jobs_app: FastAPI, committed_client_for: Callable[..., TestClient]
) -> Callable[..., TestClient]:
    """A client of :func:`jobs_app` acting as a new user of a role."""
    return committed_client_for
