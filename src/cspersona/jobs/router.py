"""``/api/jobs``: the status of long operations, and the helper that gives a job kind its route."""

import inspect
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request, Response, status
from pydantic import ValidationError

from cspersona.auth.deps import JobStarter, Reader
from cspersona.auth.policy import Principal
from cspersona.http.deps import IdPath, SessionDep
from cspersona.http.errors import error_responses
from cspersona.http.limits import TEXT_PATTERN
from cspersona.http.pagination import PageParams, page_params
from cspersona.jobs import service
from cspersona.jobs.access import authorize_job
from cspersona.jobs.models import Job, JobStatus
from cspersona.jobs.registry import JobKind
from cspersona.jobs.runners import JobRunner
from cspersona.jobs.schemas import JobPage, JobRead

router = APIRouter(prefix="/jobs", tags=["jobs"])


async def get_job_runner(request: Request) -> JobRunner:
    """The runner the app was created with."""
    runner: JobRunner = request.app.state.job_runner
    return runner


RunnerDep = Annotated[JobRunner, Depends(get_job_runner)]


def job_view(job: Job, runner: JobRunner) -> JobRead:
    """A job as stored, with the live progress its runner has while it is running."""
    view = JobRead.model_validate(job)
    live = runner.live_progress(job.id) if job.status is JobStatus.RUNNING else None
    if live is None:
        return view
    return view.model_copy(update={"progress": live.fraction, "message": live.message})


@router.get("", response_model=JobPage)
def list_jobs(
    principal: Reader,
    db_session: SessionDep,
    runner: RunnerDep,
    page: Annotated[PageParams, Depends(page_params)],
    kind: Annotated[
        str | None, Query(pattern=TEXT_PATTERN, description="Only jobs of this kind.")
    ] = None,
    status: Annotated[JobStatus | None, Query(description="Only jobs in this state.")] = None,
) -> JobPage:
    """Jobs the caller may see, newest first."""
    jobs, total = service.get_all(
        db_session=db_session,
        limit=page.limit,
        offset=page.offset,
        kind=kind,
        status=status,
        visible_to=principal,
    )
    return JobPage.of([job_view(job, runner) for job in jobs], total, page)


@router.get("/{job_id}", response_model=JobRead, responses=error_responses(404))
def read_job(
    job_id: IdPath, principal: Reader, db_session: SessionDep, runner: RunnerDep
) -> JobRead:
    """A job's status, progress, and its result or error once finished."""
    job = authorize_job(principal, service.get(db_session=db_session, job_id=job_id))
    return job_view(job, runner)


def add_job_route(
    target: APIRouter, path: str, kind: JobKind, *, starter: Any = JobStarter
) -> None:
    """Add a ``POST path`` route to ``target`` that starts a job of ``kind``.

    The route validates the kind's parameters from the body, queues a job (by default for whoever
    may run jobs; ``starter`` is another permission dependency, e.g. ``PlaybookManager``), and
    answers 202 with the job and its ``Location``.

    A stage's router needs one line: ``add_job_route(router, "/generate", generate)``.
    """
    params_model = kind.params_model
    try:
        default: Any = params_model()
    except ValidationError:
        default = inspect.Parameter.empty

    def submit_job(
        params: Any,
        principal: Principal,
        db_session: Any,
        runner: JobRunner,
        response: Response,
    ) -> JobRead:
        job = service.commit_and_submit(
            db_session=db_session,
            runner=runner,
            kind=kind,
            params=params,
            created_by_id=principal.user_id,
        )
        response.headers["Location"] = f"/api/jobs/{job.id}"
        return job_view(job, runner)

    keyword = inspect.Parameter.KEYWORD_ONLY
    submit_job.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(
                "params", keyword, annotation=Annotated[params_model, Body()], default=default
            ),
            inspect.Parameter("principal", keyword, annotation=starter),
            inspect.Parameter("db_session", keyword, annotation=SessionDep),
            inspect.Parameter("runner", keyword, annotation=RunnerDep),
            inspect.Parameter("response", keyword, annotation=Response),
        ],
        return_annotation=JobRead,
    )
    target.add_api_route(
        path,
        submit_job,
        methods=["POST"],
        status_code=status.HTTP_202_ACCEPTED,
        response_model=JobRead,
        summary=f"Start a {kind.name} job",
        description=kind.description,
        name=f"submit_{kind.name.replace('.', '_')}",
        responses=error_responses(400, 401, 403, 503),
    )
