"""``/api/playbooks``: playbooks and their generation."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from cspersona.auth.deps import PlaybookManager, Reader, TaskWorker
from cspersona.http.deps import IdPath, SessionDep
from cspersona.http.errors import error_responses
from cspersona.http.pagination import PageParams, page_params
from cspersona.jobs.router import add_job_route
from cspersona.playbooks import service
from cspersona.playbooks.clock import work_clock
from cspersona.playbooks.definition import PlaybookDefinition
from cspersona.playbooks.experiment import DEFAULT_RELATIVE_REDUCTION, Experiment, experiment
from cspersona.playbooks.jobs import generate_playbooks
from cspersona.playbooks.manual import enter_by_hand
from cspersona.playbooks.schemas import (
    EnrolRequest,
    EnrolResult,
    PlaybookPage,
    PlaybookRead,
    PlaybookStatusChange,
    PlaybookSummary,
)
from cspersona.playbooks.tracking import MetricSeries, tracked

router = APIRouter(prefix="/playbooks", tags=["playbooks"])
add_job_route(router, "/generate", generate_playbooks, starter=PlaybookManager)


@router.get("", response_model=PlaybookPage)
def list_playbooks(
    _principal: Reader,
    db_session: SessionDep,
    page: Annotated[PageParams, Depends(page_params)],
) -> PlaybookPage:
    """Playbooks by name: what starts each, its steps, and how many customers are in it now."""
    playbooks = service.get_all(db_session=db_session)
    counts = service.customers_in(db_session=db_session)
    items = [
        PlaybookSummary.of(playbook, customers_in=counts.get(playbook.id, 0))
        for playbook in playbooks[page.offset : page.offset + page.limit]
    ]
    return PlaybookPage.of(items, len(playbooks), page)


@router.get("/{playbook_id}", response_model=PlaybookRead, responses=error_responses(404))
def read_playbook(playbook_id: IdPath, _principal: Reader, db_session: SessionDep) -> PlaybookRead:
    """One playbook: its whole definition and where it stands."""
    return PlaybookRead.of(service.get(db_session=db_session, playbook_id=playbook_id))


@router.post(
    "",
    response_model=PlaybookRead,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(409),
)
def create_playbook(
    principal: PlaybookManager, db_session: SessionDep, body: PlaybookDefinition
) -> PlaybookRead:
    """A new, active playbook written by hand; templates and personas are checked (analyst)."""
    playbook = service.create(db_session=db_session, definition=body, by=principal.user_name)
    return PlaybookRead.of(playbook)


@router.put("/{playbook_id}", response_model=PlaybookRead, responses=error_responses(404, 409))
def replace_playbook(
    playbook_id: IdPath,
    principal: PlaybookManager,
    db_session: SessionDep,
    body: PlaybookDefinition,
) -> PlaybookRead:
    """Replace a playbook's definition; tasks already created keep their steps (analyst)."""
    playbook = service.get(db_session=db_session, playbook_id=playbook_id)
    service.update(
        db_session=db_session, playbook=playbook, definition=body, by=principal.user_name
    )
    return PlaybookRead.of(playbook)


@router.post("/{playbook_id}/status", response_model=PlaybookRead, responses=error_responses(404))
def change_status(
    playbook_id: IdPath,
    principal: PlaybookManager,
    db_session: SessionDep,
    body: PlaybookStatusChange,
) -> PlaybookRead:
    """Activate, park as draft or retire a playbook; only active ones take customers (analyst)."""
    playbook = service.get(db_session=db_session, playbook_id=playbook_id)
    service.set_status(
        db_session=db_session, playbook=playbook, status=body.status, by=principal.user_name
    )
    return PlaybookRead.of(playbook)


@router.delete(
    "/{playbook_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(404, 409),
)
def delete_playbook(
    playbook_id: IdPath, _principal: PlaybookManager, db_session: SessionDep
) -> None:
    """Delete a playbook no customer ever entered; one with history is retired instead (analyst)."""
    playbook = service.get(db_session=db_session, playbook_id=playbook_id)
    service.delete(db_session=db_session, playbook=playbook)


@router.post(
    "/{playbook_id}/enrol", response_model=EnrolResult, responses=error_responses(404, 409)
)
def enrol_customer(
    playbook_id: IdPath, principal: TaskWorker, db_session: SessionDep, body: EnrolRequest
) -> EnrolResult:
    """Start the playbook for a customer of the caller's book by hand; the result in words."""
    entry = enter_by_hand(
        db_session,
        playbook_id=playbook_id,
        customer_id=body.customer_id,
        by=principal,
        note=body.note,
        at=work_clock(db_session),
    )
    return EnrolResult.of(entry)


@router.get("/{playbook_id}/experiment", response_model=Experiment, responses=error_responses(404))
def read_experiment(
    playbook_id: IdPath,
    _principal: Reader,
    db_session: SessionDep,
    relative_reduction: Annotated[
        float,
        Query(gt=0, lt=1, description="The fall in churn to size the test for, as a share."),
    ] = DEFAULT_RELATIVE_REDUCTION,
    as_of: Annotated[
        datetime | None,
        Query(description="Read it as of this moment (default: now), e.g. a world's last day."),
    ] = None,
) -> Experiment:
    """Treated against held-back customers, the sample the test needs, and what to test next."""
    playbook = service.get(db_session=db_session, playbook_id=playbook_id)
    at = (as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)) if as_of else work_clock(db_session)
    return experiment(db_session, playbook=playbook, at=at, relative_reduction=relative_reduction)


@router.get(
    "/{playbook_id}/tracking",
    response_model=list[MetricSeries],
    responses=error_responses(404),
)
def read_tracking(
    playbook_id: IdPath,
    _principal: Reader,
    db_session: SessionDep,
    as_of: Annotated[
        datetime | None,
        Query(description="Read it up to this moment (default: the data's latest day)."),
    ] = None,
) -> list[MetricSeries]:
    """Each success criterion by month, treated and held-back customers apart."""
    playbook = service.get(db_session=db_session, playbook_id=playbook_id)
    at = (as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)) if as_of else work_clock(db_session)
    return tracked(db_session, playbook=playbook, at=at)
