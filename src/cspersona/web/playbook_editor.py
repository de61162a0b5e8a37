"""The analyst's playbook editor: a new playbook, or a stored one changed, checked on the server.

The form goes through :mod:`cspersona.web.playbook_form` into a ``PlaybookDefinition`` and then
``playbooks.service`` (which checks templates and personas); a refusal shows the form again with
the values as typed and every reason in words.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.auth.policy import Permission, Principal, require
from cspersona.exceptions import BadInput, Conflict
from cspersona.http.deps import IdPath, SessionDep
from cspersona.personas.models import Persona
from cspersona.playbooks import service
from cspersona.playbooks.definition import (
    STEP_KIND_WORDS,
    SUCCESS_METRIC_WORDS,
    TRIGGER_WORDS,
    Evidence,
)
from cspersona.playbooks.models import Playbook, PlaybookStatus
from cspersona.playbooks.rendering import VARIABLES
from cspersona.playbooks.wording import channel_words
from cspersona.reports import service as reports_service
from cspersona.web.deps import PageUser
from cspersona.web.playbook_form import (
    PlaybookForm,
    StepForm,
    from_definition,
    from_post,
    to_definition,
)
from cspersona.web.templating import render

router = APIRouter(include_in_schema=False)


def _persona_choices(db_session: Session, chosen: list[int]) -> list[tuple[int, str]]:
    """The current personas, plus any the playbook names that no longer are (so none is lost)."""
    choices = [(p.id, p.name) for p in reports_service.get_personas(db_session=db_session)]
    shown = {persona_id for persona_id, _ in choices}
    missing = [persona_id for persona_id in chosen if persona_id not in shown]
    if missing:
        older = db_session.execute(select(Persona.id, Persona.name).where(Persona.id.in_(missing)))
        choices += [(persona_id, f"{name} (no longer current)") for persona_id, name in older]
    return choices


def _editor_page(
    request: Request,
    db_session: Session,
    principal: Principal,
    form: PlaybookForm,
    *,
    playbook: Playbook | None,
    errors: list[str] | None = None,
) -> HTMLResponse:
    context = {
        "form": form.with_spare_row(),
        "playbook": playbook,
        "errors": errors or [],
        "personas": _persona_choices(db_session, form.persona_ids),
        "trigger_words": TRIGGER_WORDS,
        "step_kinds": STEP_KIND_WORDS,
        "metrics": SUCCESS_METRIC_WORDS,
        "channel_words": channel_words,
        "variables": sorted(VARIABLES),
    }
    status_code = 400 if errors else 200
    return render(
        request, "playbooks/edit.html", context, principal=principal, status_code=status_code
    )


@router.get("/playbooks/new", response_class=HTMLResponse)
def new_playbook(request: Request, principal: PageUser, db_session: SessionDep) -> HTMLResponse:
    """An empty editor with one step row (analyst)."""
    require(principal, Permission.MANAGE_PLAYBOOKS)
    form = PlaybookForm(steps=[StepForm()])
    return _editor_page(request, db_session, principal, form, playbook=None)


@router.get("/playbooks/{playbook_id}/edit", response_class=HTMLResponse)
def edit_playbook(
    request: Request, playbook_id: IdPath, principal: PageUser, db_session: SessionDep
) -> HTMLResponse:
    """The editor filled with a stored playbook (analyst)."""
    require(principal, Permission.MANAGE_PLAYBOOKS)
    playbook = service.get(db_session=db_session, playbook_id=playbook_id)
    form = from_definition(playbook.definition)
    return _editor_page(request, db_session, principal, form, playbook=playbook)


async def posted_form(request: Request) -> PlaybookForm:
    """The editor as posted (read here, so the routes themselves stay synchronous)."""
    data = await request.form()
    persona_ids = [value for value in data.getlist("persona_ids") if isinstance(value, str)]
    return from_post(data, persona_ids)


PostedForm = Annotated[PlaybookForm, Depends(posted_form)]


@router.post("/playbooks/new", response_class=HTMLResponse)
def create_playbook(
    request: Request, principal: PageUser, db_session: SessionDep, form: PostedForm
) -> Response:
    """Save a new playbook as active, or show the form again with the reasons (analyst)."""
    require(principal, Permission.MANAGE_PLAYBOOKS)
    definition, errors = to_definition(form, evidence=[])
    if definition is not None:
        try:
            playbook = service.create(
                db_session=db_session,
                definition=definition,
                by=principal.user_name,
                status=PlaybookStatus.ACTIVE,
            )
        except (BadInput, Conflict) as error:
            errors = [error.message]
        else:
            return RedirectResponse(f"/playbooks/{playbook.id}", status_code=303)
    return _editor_page(request, db_session, principal, form, playbook=None, errors=errors)


@router.post("/playbooks/{playbook_id}/edit", response_class=HTMLResponse)
def save_playbook(
    request: Request,
    playbook_id: IdPath,
    principal: PageUser,
    db_session: SessionDep,
    form: PostedForm,
) -> Response:
    """Save changes to a playbook, or show the form again with the reasons (analyst)."""
    require(principal, Permission.MANAGE_PLAYBOOKS)
    playbook = service.get(db_session=db_session, playbook_id=playbook_id)
    evidence: list[Evidence] = playbook.definition.evidence
    definition, errors = to_definition(form, evidence=evidence)
    if definition is not None:
        try:
            service.update(
                db_session=db_session,
                playbook=playbook,
                definition=definition,
                by=principal.user_name,
            )
        except (BadInput, Conflict) as error:
            errors = [error.message]
        else:
            return RedirectResponse(f"/playbooks/{playbook.id}", status_code=303)
    return _editor_page(request, db_session, principal, form, playbook=playbook, errors=errors)
