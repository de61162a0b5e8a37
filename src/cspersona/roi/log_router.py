"""``/api/interventions``: the interventions log, read and added to; never edited.

It lives in ``roi`` rather than ``interventions`` because an entry's page shows its outcomes,
which ``roi`` computes (the layer contract lets ``roi`` read the log, not the reverse).
"""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from cspersona.auth.deps import Reader, TaskWorker
from cspersona.http.deps import IdPath, SessionDep
from cspersona.http.errors import error_responses
from cspersona.http.limits import MAX_ID, TEXT_PATTERN
from cspersona.http.pagination import PageParams, page_params
from cspersona.interventions import log
from cspersona.interventions.models import InterventionKind, InterventionSource
from cspersona.roi.log_detail import entry_detail
from cspersona.roi.log_schemas import (
    InterventionDetail,
    InterventionPage,
    InterventionRead,
    InterventionWrite,
)

router = APIRouter(prefix="/interventions", tags=["interventions"])


@router.get("", response_model=InterventionPage)
def list_interventions(
    principal: Reader,
    db_session: SessionDep,
    page: Annotated[PageParams, Depends(page_params)],
    customer_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    playbook: Annotated[str | None, Query(max_length=128, pattern=TEXT_PATTERN)] = None,
    kind: InterventionKind | None = None,
    since: Annotated[datetime | None, Query(description="Done at or after this moment.")] = None,
    until: Annotated[datetime | None, Query(description="Done at or before this moment.")] = None,
) -> InterventionPage:
    """Logged actions the caller may see (a CSM: their book), newest first, corrections marked."""
    found = log.entries(
        db_session,
        visible_to=principal,
        where=log.LogFilter(customer_id, playbook, kind, since, until),
        offset=page.offset,
        limit=page.limit,
    )
    items = [InterventionRead.of(e, found.corrected_by.get(e.id)) for e in found.entries]
    return InterventionPage.of(items, found.total, page)


@router.get("/{intervention_id}", response_model=InterventionDetail, responses=error_responses(404))
def read_intervention(
    intervention_id: IdPath, principal: Reader, db_session: SessionDep
) -> InterventionDetail:
    """One entry, its correction chain and its outcomes per window once computed."""
    entry = log.visible_entry(db_session, intervention_id, visible_to=principal)
    return entry_detail(db_session, entry)


@router.post("", response_model=InterventionRead, status_code=201, responses=error_responses(404))
def record_intervention(
    principal: TaskWorker, db_session: SessionDep, body: InterventionWrite
) -> InterventionRead:
    """Log an action done for a customer (a CSM: only their own book's)."""
    entry = log.record_action(
        db_session, by=principal, action=body.action(), source=InterventionSource.API
    )
    return InterventionRead.of(entry, None)


@router.post(
    "/{intervention_id}/corrections",
    response_model=InterventionRead,
    status_code=201,
    responses=error_responses(404, 409),
)
def correct_intervention(
    intervention_id: IdPath, principal: TaskWorker, db_session: SessionDep, body: InterventionWrite
) -> InterventionRead:
    """Record a new entry that corrects this one; the original stays as it was."""
    original = log.visible_entry(db_session, intervention_id, visible_to=principal)
    entry = log.record_action(
        db_session,
        by=principal,
        action=body.action(),
        source=InterventionSource.API,
        corrects=original,
    )
    return InterventionRead.of(entry, None)
