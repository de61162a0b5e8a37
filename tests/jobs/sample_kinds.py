"""Job kinds for tests, registered in the default registry like a stage's ``jobs.py``.

The Celery test's worker imports this module through ``CSPERSONA_JOB_MODULES``.
"""

import threading
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from cspersona.exceptions import BadInput
from cspersona.ingest.models import IngestionRun
from cspersona.jobs.registry import Progress, job_kind


class CountParams(BaseModel):
    """How far to count, and the marker row's name."""

    to: int = Field(ge=1, le=1000)
    marker: str = "tests.count"


@job_kind("tests.count", params=CountParams)
def count(*, db_session: Session, params: CountParams, progress: Progress) -> dict[str, Any]:
    """Count, saying so halfway, and leave a marker row (committed only if the job succeeds)."""
    db_session.add(IngestionRun(source=params.marker))
    db_session.commit()
    progress(0.5, f"halfway to {params.to}")
    return {"counted": params.to, "squares": [n * n for n in range(1, min(params.to, 5) + 1)]}


class HoldParams(BaseModel):
    """The marker row's name."""

    marker: str = "tests.hold"


@job_kind("tests.hold_write", params=HoldParams)
def hold_write(*, db_session: Session, params: HoldParams, progress: Progress) -> None:
    """Report progress while holding an uncommitted write, as a careless stage would."""
    db_session.add(IngestionRun(source=params.marker))
    db_session.flush()
    progress(0.5, "while holding a write")


@job_kind("tests.fail", params=HoldParams)
def fail(*, db_session: Session, params: HoldParams, progress: Progress) -> None:
    """Write a marker row, then crash: the row must not survive."""
    db_session.add(IngestionRun(source=params.marker))
    db_session.flush()
    raise RuntimeError("the stage crashed")


@job_kind("tests.refuse")
def refuse(*, db_session: Session, params: BaseModel, progress: Progress) -> None:
    """Fail the way a stage refuses bad input."""
    raise BadInput("there is nothing to build personas from yet")


# Opened by the test that watches a job run; the job waits here (at most ten seconds).
GATE = threading.Event()


@job_kind("tests.gate")
def wait_at_gate(*, db_session: Session, params: BaseModel, progress: Progress) -> dict[str, bool]:
    """Report progress, then wait until the test opens the gate."""
    progress(0.3, "waiting at the gate")
    return {"gate_opened": GATE.wait(timeout=10)}
