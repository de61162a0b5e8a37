"""Which jobs a caller may see: a CSM only the jobs they started."""

from typing import Any, TypeVar

from sqlalchemy import Select

from cspersona.auth.policy import Principal
from cspersona.exceptions import NotFound
from cspersona.jobs.models import Job

SelectT = TypeVar("SelectT", bound=Select[*tuple[Any, ...]])


def visible_jobs(statement: SelectT, principal: Principal) -> SelectT:
    """Narrow a query on ``jobs`` to the jobs the caller may see.

    A CSM sees only the jobs they started, since a job's result may describe any customer.
    """
    if principal.sees_all_customers:
        return statement
    return statement.where(Job.created_by_id == principal.user_id)


def authorize_job(principal: Principal, job: Job) -> Job:
    """Return the job if the caller may see it; otherwise answer as if it did not exist."""
    if not (principal.sees_all_customers or job.created_by_id == principal.user_id):
        raise NotFound(f"job {job.id} does not exist")
    return job
