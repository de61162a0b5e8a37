"""Fixtures for job tests: sessions on a committed database, and a way to queue jobs there."""

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from cspersona.db.engine import session_scope, writer_session_factory
from cspersona.jobs.models import Job


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
