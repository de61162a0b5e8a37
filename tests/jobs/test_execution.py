import time
from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cspersona.ingest.models import IngestionRun
from cspersona.jobs.execution import background_task, run_job
from cspersona.jobs.models import Job, JobStatus
from cspersona.jobs.progress import MemoryBoard
from tests.jobs import sample_kinds

assert sample_kinds  # registers the tests.* job kinds


def _markers(session_factory: sessionmaker[Session], marker: str) -> int:
    with session_factory() as db_session:
        statement = select(func.count()).where(IngestionRun.source == marker)
        return db_session.scalar(statement) or 0


def test_a_job_runs_to_success_with_its_result_and_committed_work(
    session_factory: sessionmaker[Session],
    queue_job: Callable[..., int],
    load_job: Callable[[int], Job],
) -> None:
    job_id = queue_job("tests.count", {"to": 3, "marker": "success-marker"})

    status = run_job(job_id, session_factory=session_factory, board=MemoryBoard())

    job = load_job(job_id)
    assert status is job.status is JobStatus.SUCCEEDED
    assert job.result == {"counted": 3, "squares": [1, 4, 9]}
    assert (job.progress, job.message, job.error) == (1.0, "halfway to 3", None)
    assert job.started_at is not None and job.finished_at is not None
    assert job.started_at <= job.finished_at
    assert _markers(session_factory, "success-marker") == 1


@pytest.mark.parametrize(
    ("kind", "params", "error"),
    [
        ("tests.fail", {"marker": "crash-marker"}, "RuntimeError: the stage crashed"),
        ("tests.refuse", {}, "there is nothing to build personas from yet"),
        ("tests.count", {"to": 0}, "ValidationError: 1 validation error for CountParams"),
        ("tests.nonexistent", {}, "unknown job kind 'tests.nonexistent'; known kinds: "),
    ],
    ids=["crash", "domain-error", "bad-params", "unknown-kind"],
)
def test_a_failing_job_records_why_and_keeps_none_of_its_writes(
    session_factory: sessionmaker[Session],
    queue_job: Callable[..., int],
    load_job: Callable[[int], Job],
    kind: str,
    params: dict[str, object],
    error: str,
) -> None:
    job_id = queue_job(kind, params)

    status = run_job(job_id, session_factory=session_factory, board=MemoryBoard())

    job = load_job(job_id)
    assert status is job.status is JobStatus.FAILED
    assert job.error is not None and job.error.startswith(error)
    assert job.result is None and job.finished_at is not None
    assert _markers(session_factory, "crash-marker") == 0


def test_a_job_that_is_no_longer_queued_is_left_alone(
    session_factory: sessionmaker[Session],
    queue_job: Callable[..., int],
    load_job: Callable[[int], Job],
) -> None:
    job_id = queue_job("tests.count", {"to": 2, "marker": "once-marker"})
    run_job(job_id, session_factory=session_factory, board=MemoryBoard())

    assert run_job(job_id, session_factory=session_factory, board=MemoryBoard()) is None
    assert run_job(987654321, session_factory=session_factory, board=MemoryBoard()) is None
    assert _markers(session_factory, "once-marker") == 1


def test_a_job_reports_progress_while_holding_a_write(
    session_factory: sessionmaker[Session],
    queue_job: Callable[..., int],
    load_job: Callable[[int], Job],
) -> None:
    job_id = queue_job("tests.hold_write")
    board = MemoryBoard()
    started = time.monotonic()

    run_job(job_id, session_factory=session_factory, board=board)

    job = load_job(job_id)
    assert time.monotonic() - started < 5, "progress waited for the job's own write lock"
    assert (job.status, job.message) == (JobStatus.SUCCEEDED, "while holding a write")
    assert board.read(job_id) is None, "a finished job's live progress is cleared"


@background_task
def _add_marker(marker: str, *, db_session: Session) -> int:
    db_session.add(IngestionRun(source=marker))
    db_session.flush()
    if marker.endswith("crash"):
        raise RuntimeError("crash after writing")
    return 7


def test_background_task_commits_its_own_session(session_factory: sessionmaker[Session]) -> None:
    assert _add_marker("task-commits", session_factory=session_factory) == 7
    assert _markers(session_factory, "task-commits") == 1


def test_background_task_rolls_back_and_reraises(session_factory: sessionmaker[Session]) -> None:
    with pytest.raises(RuntimeError, match="crash after writing"):
        _add_marker("task-crash", session_factory=session_factory)

    assert _markers(session_factory, "task-crash") == 0


def test_background_task_leaves_a_callers_session_to_the_caller(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory() as own_session:
        _add_marker("caller-owned", session_factory=session_factory, db_session=own_session)
        assert own_session.in_transaction()
        own_session.rollback()

    assert _markers(session_factory, "caller-owned") == 0
