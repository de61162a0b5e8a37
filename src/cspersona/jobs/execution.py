"""Running one job wherever it runs (a thread of the API, a Celery worker): the same code path."""

import logging
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic_core import to_jsonable_python
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from cspersona.db.types import utc_now
from cspersona.exceptions import CsPersonaError
from cspersona.jobs.models import Job, JobStatus
from cspersona.jobs.progress import JobProgress, ProgressBoard
from cspersona.jobs.registry import JobOutput, JobRegistry, registry

logger = logging.getLogger(__name__)

ResultT = TypeVar("ResultT")

ERROR_LENGTH = 2000


def background_task(function: Callable[..., ResultT]) -> Callable[..., ResultT]:
    """Give a background function its own session (the shape of dispatch's ``background_task``).

    The wrapper takes ``session_factory=``. Unless the caller passes its own ``db_session=`` (and
    keeps control of it), it opens a session, injects it as ``db_session``, commits when the
    function returns, rolls back and re-raises when it raises, and always closes it.
    """

    @wraps(function)
    def wrapper(*args: Any, session_factory: sessionmaker[Session], **kwargs: Any) -> ResultT:
        if "db_session" in kwargs:
            return function(*args, **kwargs)
        with session_factory() as db_session:
            try:
                result = function(*args, db_session=db_session, **kwargs)
                db_session.commit()
            except Exception:
                db_session.rollback()
                logger.exception("background task %s failed", function.__qualname__)
                raise
            return result

    return wrapper


def _jsonable(output: JobOutput) -> dict[str, Any] | None:
    if output is None:
        return None
    if isinstance(output, BaseModel):
        return output.model_dump(mode="json")
    jsonable = to_jsonable_python(dict(output))
    assert isinstance(jsonable, Mapping)
    return dict(jsonable)


def _failure_message(error: Exception) -> str:
    if isinstance(error, CsPersonaError):
        return error.message
    return f"{type(error).__name__}: {error}"[:ERROR_LENGTH]


def _claim(db_session: Session, job_id: int) -> bool:
    """Move the job from queued to running; False if it is missing or another run has it.

    One UPDATE, first in its transaction: atomic between workers, and on SQLite it takes the
    write lock before reading anything, so no stale snapshot can make it fail.
    """
    claimed = db_session.scalar(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.QUEUED)
        .values(status=JobStatus.RUNNING, started_at=utc_now())
        .returning(Job.id)
    )
    db_session.commit()
    return claimed is not None


@background_task
def run_job(
    job_id: int,
    *,
    db_session: Session,
    board: ProgressBoard,
    kinds: JobRegistry = registry,
) -> JobStatus | None:
    """Run a queued job to its end and record the outcome; returns the final status.

    A job that is missing or no longer queued (a redelivered Celery message) is left alone and
    None is returned. The job's own failures are recorded on the job, never raised.
    """
    if not _claim(db_session, job_id):
        logger.warning("job %s is missing or not queued; not running it", job_id)
        return None
    job = db_session.get(Job, job_id)
    assert job is not None
    kind_name, stored_params = job.kind, job.params
    db_session.commit()  # the job function starts with a fresh transaction
    progress = JobProgress(board, job_id)
    outcome: dict[str, Any]
    try:
        kind = kinds.get(kind_name)
        output = kind.function(
            db_session=db_session,
            params=kind.params_model.model_validate(stored_params),
            progress=progress,
        )
        db_session.commit()
        outcome = {"status": JobStatus.SUCCEEDED, "result": _jsonable(output), "progress": 1.0}
    except Exception as error:
        db_session.rollback()
        if not isinstance(error, CsPersonaError):
            logger.exception("job %s failed", job_id)
        outcome = {
            "status": JobStatus.FAILED,
            "error": _failure_message(error),
            "progress": progress.latest.fraction,
        }
    # One UPDATE, first in a fresh transaction, for the reason _claim gives.
    db_session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(**outcome, message=progress.latest.message, finished_at=utc_now())
    )
    db_session.commit()
    board.clear(job_id)
    status: JobStatus = outcome["status"]
    return status
