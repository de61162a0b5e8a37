"""Job operations: create, submit, read and sweep up jobs; plain functions on a session."""

from pydantic import BaseModel
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from cspersona.auth.policy import Principal
from cspersona.db.types import utc_now
from cspersona.exceptions import NotFound, Unavailable
from cspersona.jobs.access import visible_jobs
from cspersona.jobs.models import Job, JobStatus
from cspersona.jobs.registry import JobKind
from cspersona.jobs.runners import JobRunner

ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


def get(*, db_session: Session, job_id: int) -> Job:
    """The job with this id, or :class:`NotFound`."""
    job = db_session.get(Job, job_id)
    if job is None:
        raise NotFound(f"job {job_id} does not exist")
    return job


def get_all(
    *,
    db_session: Session,
    limit: int,
    offset: int,
    kind: str | None = None,
    status: JobStatus | None = None,
    visible_to: Principal | None = None,
) -> tuple[list[Job], int]:
    """One page of jobs, newest first, optionally of one kind or status; and the total."""
    statement = select(Job)
    if kind is not None:
        statement = statement.where(Job.kind == kind)
    if status is not None:
        statement = statement.where(Job.status == status)
    if visible_to is not None:
        statement = visible_jobs(statement, visible_to)
    total = db_session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    page = db_session.scalars(statement.order_by(Job.id.desc()).limit(limit).offset(offset))
    return list(page), total


def commit_and_submit(
    *,
    db_session: Session,
    runner: JobRunner,
    kind: JobKind,
    params: BaseModel,
    created_by_id: int | None = None,
) -> Job:
    """Commit a queued job, then hand it to ``runner``; a job the runner refuses is marked failed.

    The one service that commits, because the runner reads the job in another thread or process,
    which sees only committed rows; a refusal is committed too, since the error then rolls back
    the caller's transaction.
    """
    job = Job(
        kind=kind.name,
        runner=runner.name,
        params=params.model_dump(mode="json"),
        created_by_id=created_by_id,
    )
    db_session.add(job)
    db_session.commit()
    try:
        runner.submit(job.id)
    except Unavailable as error:
        job.status, job.error, job.finished_at = JobStatus.FAILED, error.message, utc_now()
        db_session.commit()
        raise
    return job


def fail_interrupted(*, db_session: Session, runner_name: str) -> int:
    """Mark jobs of ``runner_name`` left queued or running by a stopped process as failed.

    Called when an API process with the inline runner starts: its previous incarnation's
    threads are gone. Returns how many jobs were marked. Writes nothing when there are none.
    """
    stranded = list(
        db_session.scalars(select(Job.id).where(Job.runner == runner_name, Job.status.in_(ACTIVE)))
    )
    if not stranded:
        return 0
    db_session.execute(
        update(Job)
        .where(Job.id.in_(stranded), Job.status.in_(ACTIVE))
        .values(
            status=JobStatus.FAILED,
            error="interrupted: the server stopped before the job finished; submit it again",
            finished_at=utc_now(),
        )
    )
    return len(stranded)
