"""The app factory: a single server fails the jobs its predecessor left; one of several does not."""

from pathlib import Path

from fastapi.testclient import TestClient

from cspersona.api.app import create_app
from cspersona.config import load_settings
from cspersona.db import migrate
from cspersona.db.engine import make_engine, make_session_factory, session_scope
from cspersona.jobs.models import Job, JobStatus
from cspersona.jobs.progress import FileBoard, LiveProgress
from tests.conftest import DatabaseFactory


def _add_running_job(database_url: str) -> int:
    """A migrated database holding an inline job a stopped server left running; its id."""
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    with session_scope(make_session_factory(engine)) as db_session:
        job = Job(kind="tests.stranded", status=JobStatus.RUNNING, runner="inline")
        db_session.add(job)
        db_session.flush()
        job_id = job.id
    engine.dispose()
    return job_id


def _status(database_url: str, job_id: int) -> str:
    engine = make_engine(database_url)
    with make_session_factory(engine)() as db_session:
        job = db_session.get(Job, job_id)
        assert job is not None
        status = str(job.status)
    engine.dispose()
    return status


def test_a_single_server_fails_the_jobs_a_stopped_server_left(
    database_factory: DatabaseFactory, tmp_path: Path
) -> None:
    database_url = database_factory.create()
    job_id = _add_running_job(database_url)

    with TestClient(create_app(load_settings(database_url=database_url, data_dir=tmp_path))):
        pass

    assert _status(database_url, job_id) == "failed"


def test_one_of_several_workers_leaves_jobs_alone_and_reads_progress_any_worker_posts(
    database_factory: DatabaseFactory, tmp_path: Path
) -> None:
    database_url = database_factory.create()
    job_id = _add_running_job(database_url)
    settings = load_settings(database_url=database_url, data_dir=tmp_path)
    sibling = FileBoard(tmp_path / "jobs" / "progress")  # the board of the worker running it

    app = create_app(settings, one_of_many=True)
    with TestClient(app):
        sibling.post(job_id, LiveProgress(0.4, "clustering"))
        seen = app.state.job_runner.live_progress(job_id)

    assert _status(database_url, job_id) == "running"
    assert seen == LiveProgress(0.4, "clustering")
