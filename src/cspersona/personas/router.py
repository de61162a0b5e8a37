"""``/api/personas`` and ``/api/customers/{id}/persona``: personas, switches, feedback."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from sqlalchemy.orm import Session

from cspersona.auth.deps import FeedbackGiver, PersonaEditor, Reader
from cspersona.auth.policy import Principal
from cspersona.customers.deps import AuthorizedCustomer, FeedbackCustomer
from cspersona.exceptions import NotFound
from cspersona.http.deps import IdPath, SessionDep, SettingsDep
from cspersona.http.errors import error_responses
from cspersona.http.limits import TEXT_PATTERN
from cspersona.http.pagination import PageParams, page_params
from cspersona.jobs.router import add_job_route
from cspersona.personas import current, edits, service, shaping
from cspersona.personas.changes import persona_changes
from cspersona.personas.feedback import add_feedback
from cspersona.personas.jobs import generate
from cspersona.personas.overlays import overlays_for
from cspersona.personas.schemas import (
    CustomerPersonaRead,
    FeedbackCreate,
    FeedbackRead,
    PersonaCreate,
    PersonaEditRead,
    PersonaMerge,
    PersonaPage,
    PersonaPromote,
    PersonaRead,
    PersonaUpdate,
    SnapshotRead,
    SuggestedPersonaRead,
    SwitchPage,
    SwitchRead,
)

router = APIRouter(prefix="/personas", tags=["personas"])
customer_router = APIRouter(prefix="/customers", tags=["personas"])
add_job_route(router, "/generate", generate)


@router.get("", response_model=PersonaPage)
def list_personas(
    _principal: Reader,
    db_session: SessionDep,
    page: Annotated[PageParams, Depends(page_params)],
    include_retired: Annotated[
        bool, Query(description="Also list personas no cluster continues any more.")
    ] = False,
) -> PersonaPage:
    """The personas, active ones first, with size, revenue share and CSM agreement."""
    personas = [
        persona
        for persona in current.persona_catalogue(db_session=db_session).summaries.values()
        if include_retired or persona.active
    ]
    return PersonaPage.of(personas[page.offset : page.offset + page.limit], len(personas), page)


@router.get("/switches", response_model=SwitchPage)
def list_switches(
    principal: Reader,
    db_session: SessionDep,
    page: Annotated[PageParams, Depends(page_params)],
    since: Annotated[
        datetime | None,
        Query(description="Only switches detected at or after this moment (ISO date or time)."),
    ] = None,
) -> SwitchPage:
    """Persona switches in the caller's book, newest first: what changed and what to do now.

    The source of switching alerts until a notification mechanism exists; a CSM sees only the
    customers they own.
    """
    items, total = persona_changes(
        db_session=db_session,
        visible_to=principal,
        since=since,
        limit=page.limit,
        offset=page.offset,
    )
    return SwitchPage.of(items, total, page)


def _editor(principal: Principal) -> edits.Editor:
    """The caller, as an edit records them."""
    return edits.Editor(user_id=principal.user_id, name=principal.user_name)


def _profile(db_session: Session, persona_id: int) -> PersonaRead:
    """The persona as ``GET /api/personas/{id}`` answers, after an edit."""
    return current.persona_catalogue(db_session=db_session).profiles[persona_id]


@router.post(
    "",
    response_model=PersonaRead,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(400, 404, 409),
)
def create_persona(
    principal: PersonaEditor, db_session: SessionDep, settings: SettingsDep, body: PersonaCreate
) -> PersonaRead:
    """A persona of chosen customers, profiled from them; they leave their personas (analyst)."""
    persona = shaping.create(
        db_session=db_session,
        settings=settings,
        customer_ids=sorted(body.customer_ids),
        editor=_editor(principal),
        name=body.name,
    )
    return _profile(db_session, persona.id)


@router.get("/suggested", response_model=list[SuggestedPersonaRead])
def list_suggestions(_principal: Reader, db_session: SessionDep) -> list[SuggestedPersonaRead]:
    """The newest build's suggested personas: dense groups of customers no persona fits."""
    return [
        SuggestedPersonaRead(
            number=number,
            name=draft.get("name", f"Suggestion {number}"),
            narrative=draft.get("narrative"),
            customer_ids=draft["customer_ids"],
        )
        for number, draft in enumerate(shaping.suggestions(db_session=db_session), start=1)
    ]


@router.post(
    "/suggested/{number}/promote",
    response_model=PersonaRead,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(404, 409),
)
def promote_suggestion(
    number: IdPath,
    principal: PersonaEditor,
    db_session: SessionDep,
    settings: SettingsDep,
    body: PersonaPromote | None = None,
) -> PersonaRead:
    """Make a suggested persona a real one: its customers move to it (analyst)."""
    persona = shaping.promote(
        db_session=db_session,
        settings=settings,
        number=number,
        editor=_editor(principal),
        name=body.name if body else None,
    )
    return _profile(db_session, persona.id)


@router.patch("/{persona_id}", response_model=PersonaRead, responses=error_responses(400, 404, 409))
def update_persona(
    persona_id: IdPath, principal: PersonaEditor, db_session: SessionDep, body: PersonaUpdate
) -> PersonaRead:
    """Rename a persona or rewrite its narrative; refits keep both (analyst)."""
    if body.name is not None:
        edits.rename(
            db_session=db_session, persona_id=persona_id, name=body.name, editor=_editor(principal)
        )
    if body.narrative is not None:
        edits.edit_narrative(
            db_session=db_session,
            persona_id=persona_id,
            narrative=body.narrative,
            editor=_editor(principal),
        )
    service.get(db_session=db_session, persona_id=persona_id)
    return _profile(db_session, persona_id)


@router.get(
    "/{persona_id}/edits", response_model=list[PersonaEditRead], responses=error_responses(404)
)
def list_edits(
    persona_id: IdPath, _principal: Reader, db_session: SessionDep
) -> list[PersonaEditRead]:
    """Every edit of a persona, newest first: who, when, which field, old and new value."""
    service.get(db_session=db_session, persona_id=persona_id)
    return [
        PersonaEditRead.model_validate(edit)
        for edit in edits.history(db_session=db_session, persona_id=persona_id)
    ]


@router.post(
    "/{persona_id}/merge", response_model=PersonaRead, responses=error_responses(400, 404, 409)
)
def merge_personas(
    persona_id: IdPath,
    principal: PersonaEditor,
    db_session: SessionDep,
    settings: SettingsDep,
    body: PersonaMerge,
) -> PersonaRead:
    """Merge another persona into this one: its members move here and it retires (analyst)."""
    shaping.merge(
        db_session=db_session,
        settings=settings,
        keep_id=persona_id,
        merge_id=body.merge_id,
        editor=_editor(principal),
    )
    return _profile(db_session, persona_id)


@router.get("/{persona_id}", response_model=PersonaRead, responses=error_responses(404))
def read_persona(
    persona_id: IdPath,
    _principal: Reader,
    db_session: SessionDep,
    settings: SettingsDep,
    industry: Annotated[
        str | None,
        Query(
            max_length=64,
            pattern=TEXT_PATTERN,
            description="Apply an industry overlay: FinTech, HealthTech or EdTech.",
        ),
    ] = None,
) -> PersonaRead:
    """One persona with its whole profile, evidence and CSM agreement rate."""
    persona = current.persona_catalogue(db_session=db_session).profiles.get(persona_id)
    if persona is None:
        raise NotFound(f"persona {persona_id} does not exist")
    if not industry:
        return persona
    traits = overlays_for(settings).apply(persona.traits, industry)
    return persona.model_copy(update={"traits": traits})


@customer_router.get(
    "/{customer_id}/persona", response_model=CustomerPersonaRead, responses=error_responses(404)
)
def read_customer_persona(
    customer: AuthorizedCustomer, db_session: SessionDep
) -> CustomerPersonaRead:
    """A customer's persona, confidence, misfit flag, map position, history, switches, outlook."""
    mapping = service.current_mapping(db_session=db_session, customer_id=customer.id)
    return CustomerPersonaRead(
        customer_id=customer.id,
        persona=current.persona_catalogue(db_session=db_session).summaries[mapping.persona_id],
        confidence=mapping.confidence_score,
        misfit=mapping.misfit,
        model_version=mapping.model_version,
        assigned_at=mapping.assigned_at,
        map_x=mapping.map_x,
        map_y=mapping.map_y,
        history=[
            SnapshotRead.model_validate(snapshot)
            for snapshot in service.history(db_session=db_session, customer_id=customer.id)
        ],
        switches=[
            SwitchRead.model_validate(switch)
            for switch in service.switches(db_session=db_session, customer_id=customer.id)
        ],
        outlook=service.outlook(db_session=db_session, customer_id=customer.id),
    )


@customer_router.post(
    "/{customer_id}/persona/feedback",
    response_model=FeedbackRead,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(404),
)
def give_feedback(
    customer: FeedbackCustomer,
    principal: FeedbackGiver,
    db_session: SessionDep,
    feedback: FeedbackCreate,
) -> FeedbackRead:
    """Agree or disagree with a customer's current persona (CSM, analyst, admin)."""
    stored = add_feedback(
        db_session=db_session,
        customer_id=customer.id,
        user_id=principal.user_id,
        agree=feedback.agree,
        comment=feedback.comment,
    )
    return FeedbackRead.model_validate(stored)
