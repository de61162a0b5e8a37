"""The dashboard's persona forms: CSM verdicts on a customer's persona, and analysts' edits.

Verdicts answer with a fragment in place (HTMX); an edit answers with a redirect to the persona
it changed, so a reload never repeats it. A refused edit (a name taken, a customer without a
persona) is the error page with its one-line reason.
"""

import re
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from cspersona.auth.policy import Permission, Principal, require
from cspersona.exceptions import BadInput
from cspersona.http.deps import IdPath, SessionDep, SettingsDep
from cspersona.http.limits import MAX_ID, TEXT_PATTERN
from cspersona.personas import current, edits, shaping
from cspersona.personas.feedback import add_feedback
from cspersona.web.deps import PageCustomer, PageUser
from cspersona.web.templating import render

router = APIRouter(include_in_schema=False)

Name = Annotated[str, Form(min_length=1, max_length=128, pattern=TEXT_PATTERN)]
Narrative = Annotated[str, Form(min_length=1, max_length=4000, pattern=TEXT_PATTERN)]


def _editor(principal: Principal) -> edits.Editor:
    """The logged-in analyst, as an edit records them."""
    require(principal, Permission.EDIT_PERSONAS)
    return edits.Editor(user_id=principal.user_id, name=principal.user_name)


def _to_persona(persona_id: int) -> RedirectResponse:
    return RedirectResponse(f"/personas/{persona_id}", status_code=303)


def customer_ids(text: str) -> list[int]:
    """Customer ids typed as a list: numbers separated by commas, spaces or new lines."""
    tokens = [token for token in re.split(r"[\s,;]+", text) if token]
    if not tokens or not all(token.isdigit() and 0 < int(token) <= MAX_ID for token in tokens):
        raise BadInput("list customers by the number in their page address, e.g. 12, 40, 41")
    return [int(token) for token in tokens]


@router.post("/customers/{customer_id}/persona/feedback", response_class=HTMLResponse)
def give_feedback(
    request: Request,
    customer: PageCustomer,
    principal: PageUser,
    db_session: SessionDep,
    agree: Annotated[bool, Form()],
    comment: Annotated[str, Form(max_length=2000, pattern=TEXT_PATTERN)] = "",
) -> HTMLResponse:
    """A CSM's verdict on the customer's persona; answers with the persona's agreement now."""
    require(principal, Permission.GIVE_FEEDBACK)
    stored = add_feedback(
        db_session=db_session,
        customer_id=customer.id,
        user_id=principal.user_id,
        agree=agree,
        comment=comment.strip() or None,
    )
    summary = current.persona_catalogue(db_session=db_session).summaries[stored.persona_id]
    context = {"customer": customer, "verdict": stored, "summary": summary}
    return render(request, "customers/_persona_feedback.html", context, principal=principal)


@router.post("/personas/{persona_id}/name")
def rename(
    persona_id: IdPath, principal: PageUser, db_session: SessionDep, name: Name
) -> RedirectResponse:
    """Rename a persona (analyst)."""
    edits.rename(db_session=db_session, persona_id=persona_id, name=name, editor=_editor(principal))
    return _to_persona(persona_id)


@router.post("/personas/{persona_id}/narrative")
def rewrite_narrative(
    persona_id: IdPath, principal: PageUser, db_session: SessionDep, narrative: Narrative
) -> RedirectResponse:
    """Replace a persona's narrative (analyst)."""
    edits.edit_narrative(
        db_session=db_session, persona_id=persona_id, narrative=narrative, editor=_editor(principal)
    )
    return _to_persona(persona_id)


@router.post("/personas/{persona_id}/merge")
def merge(
    persona_id: IdPath,
    principal: PageUser,
    db_session: SessionDep,
    settings: SettingsDep,
    merge_id: Annotated[int, Form(ge=1, le=MAX_ID)],
) -> RedirectResponse:
    """Merge another persona into this one (analyst)."""
    shaping.merge(
        db_session=db_session,
        settings=settings,
        keep_id=persona_id,
        merge_id=merge_id,
        editor=_editor(principal),
    )
    return _to_persona(persona_id)


@router.post("/personas/new")
def create(
    principal: PageUser,
    db_session: SessionDep,
    settings: SettingsDep,
    customers: Annotated[str, Form(min_length=1, max_length=20_000, pattern=TEXT_PATTERN)],
    name: Annotated[str, Form(max_length=128, pattern=TEXT_PATTERN)] = "",
) -> RedirectResponse:
    """A persona of the customers listed (analyst)."""
    editor = _editor(principal)
    persona = shaping.create(
        db_session=db_session,
        settings=settings,
        customer_ids=customer_ids(customers),
        editor=editor,
        name=name.strip() or None,
    )
    return _to_persona(persona.id)


@router.post("/personas/suggested/{number}/promote")
def promote(
    number: IdPath, principal: PageUser, db_session: SessionDep, settings: SettingsDep
) -> RedirectResponse:
    """Make a suggested persona a real one (analyst)."""
    persona = shaping.promote(
        db_session=db_session, settings=settings, number=number, editor=_editor(principal)
    )
    return _to_persona(persona.id)
