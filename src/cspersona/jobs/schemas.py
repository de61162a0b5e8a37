"""Pydantic models for jobs as the API shows them."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from cspersona.http.pagination import Page
from cspersona.jobs.models import JobStatus


class JobRead(BaseModel):
    """A job: what it runs, where it stands, and its result or error once finished."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    status: JobStatus
    runner: str
    params: dict[str, Any]
    progress: float = Field(description="From 0 to 1.")
    message: str | None = Field(description="What the job is doing, as it last said.")
    result: dict[str, Any] | None = Field(description="What the job returned, once succeeded.")
    error: str | None = Field(description="Why the job failed, once failed.")
    created_by_id: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


JobPage = Page[JobRead]
