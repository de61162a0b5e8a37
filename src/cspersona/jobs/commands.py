"""``cspersona jobs``: run a Celery worker, and look at jobs from the command line."""

from enum import StrEnum

import typer

from cspersona.config import get_settings
from cspersona.console.database import database_session, open_database
from cspersona.console.errors import DomainErrorGroup
from cspersona.console.output import console, print_rows
from cspersona.jobs import service
from cspersona.jobs.models import JobStatus


class WorkerPool(StrEnum):
    """How a worker runs jobs concurrently."""

    PREFORK = "prefork"
    THREADS = "threads"
    SOLO = "solo"


app = typer.Typer(
    cls=DomainErrorGroup, help="Long operations: workers and job status.", no_args_is_help=True
)


@app.command()
def worker(
    concurrency: int = typer.Option(1, min=1, help="Jobs run at the same time."),
    pool: WorkerPool = typer.Option(
        WorkerPool.PREFORK, help="prefork (processes), threads, or solo (one job at a time)."
    ),
) -> None:
    """Run a Celery worker that runs the jobs the API queues (CSPERSONA_JOB_RUNNER=celery).

    Example: cspersona jobs worker --concurrency 2
    """
    # Imported here: Celery is an optional extra and slow to import for the other commands.
    from cspersona.jobs.celery_runner import broker_address, run_worker

    settings = get_settings()
    open_database().dispose()
    console.print(f"job worker on queue {settings.job_queue!r}, broker {broker_address(settings)}")
    run_worker(settings, concurrency=concurrency, pool=pool.value)


@app.command("list")
def list_jobs(
    kind: str | None = typer.Option(None, help="Only jobs of this kind."),
    status: JobStatus | None = typer.Option(None, help="Only jobs in this state."),
    limit: int = typer.Option(20, min=1, max=500, help="How many of the newest jobs."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON lines."),
) -> None:
    """List the newest jobs with their state and progress.

    Example: cspersona jobs list --status failed
    """
    from cspersona.jobs.schemas import JobRead  # FastAPI's pagination: loaded when used

    with database_session() as db_session:
        jobs, _total = service.get_all(
            db_session=db_session, limit=limit, offset=0, kind=kind, status=status
        )
        rows = [JobRead.model_validate(job) for job in jobs]
    print_rows(
        rows,
        as_json=as_json,
        columns={
            "id": lambda row: str(row.id),
            "kind": lambda row: row.kind,
            "status": lambda row: row.status,
            "progress": lambda row: f"{row.progress:.0%}",
            "created": lambda row: row.created_at.isoformat(timespec="seconds"),
            "message / error": lambda row: row.error or row.message or "",
        },
    )


@app.command()
def show(
    job_id: int = typer.Argument(..., help="The job's id."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show one job: state, progress, and its result or error.

    Example: cspersona jobs show 12 --json
    """
    from cspersona.jobs.schemas import JobRead  # FastAPI's pagination: loaded when used

    with database_session() as db_session:
        job = JobRead.model_validate(service.get(db_session=db_session, job_id=job_id))
    if as_json:
        typer.echo(job.model_dump_json())
        return
    console.print(f"job {job.id} ({job.kind}): {job.status}, {job.progress:.0%}")
    for label, value in (("message", job.message), ("error", job.error), ("result", job.result)):
        if value:
            console.print(f"  {label}: {value}")
