"""Persona pages: the map of every customer, and one persona's profile, voice and members."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from cspersona.auth.policy import Permission
from cspersona.customers.status import data_as_of
from cspersona.http.deps import SessionDep, SettingsDep
from cspersona.personas import current, edits, shaping
from cspersona.personas import service as personas_service
from cspersona.personas.overlays import overlays_for
from cspersona.reports import service
from cspersona.web import persona_profile
from cspersona.web.charts import persona_map_figure
from cspersona.web.deps import PageUser
from cspersona.web.templating import render

router = APIRouter(include_in_schema=False)

MEMBERS_SHOWN = 50


@router.get("/personas", response_class=HTMLResponse)
def persona_map(request: Request, principal: PageUser, db_session: SessionDep) -> HTMLResponse:
    """Customers on a 2-D map coloured by persona; clicking a point opens the customer."""
    points = service.persona_points(db_session=db_session, visible_to=principal)
    can_edit = principal.can(Permission.EDIT_PERSONAS)
    context = {
        "sizes": service.persona_sizes(db_session=db_session, visible_to=principal),
        "summaries": current.persona_catalogue(db_session=db_session).summaries,
        "map_figure": persona_map_figure(points) if points else None,
        "can_edit": can_edit,
        "suggestions": shaping.suggestions(db_session=db_session) if can_edit else [],
    }
    return render(request, "personas/map.html", context, principal=principal)


@router.get("/personas/{persona_id}", response_class=HTMLResponse)
def persona_page(
    request: Request,
    persona_id: int,
    principal: PageUser,
    db_session: SessionDep,
    settings: SettingsDep,
) -> HTMLResponse:
    """A persona: agreement, traits, style, risks, industries, narrative, quotes and members."""
    persona = personas_service.get(db_session=db_session, persona_id=persona_id)
    members, total = service.persona_members(
        db_session=db_session, persona_id=persona_id, visible_to=principal, limit=MEMBERS_SHOWN
    )
    profile = persona.profile
    stored_quotes = [quote.text for quote in profile.quotes]
    catalogue = current.persona_catalogue(db_session=db_session)
    context = {
        "persona": persona,
        "summary": catalogue.summaries[persona.id],
        "edits": edits.history(db_session=db_session, persona_id=persona.id),
        "industries": overlays_for(settings).guidance(profile.industries),
        "can_edit": principal.can(Permission.EDIT_PERSONAS),
        "merge_choices": [
            other
            for other in catalogue.summaries.values()
            if other.active and other.id != persona.id
        ],
        "profile": persona_profile.profile_facts(profile),
        "style": persona_profile.style_facts(persona.style),
        "risks": persona_profile.risk_facts(persona.risks),
        "members": members,
        "member_total": total,
        "data_as_of": data_as_of(db_session),
        "stored_quotes": stored_quotes,
        "claims": persona_profile.claim_groups(profile),
        "fidelity": profile.fidelity,
        "profile_customers": profile.customers,
        "fidelity_rows": persona_profile.fidelity_rows(profile.fidelity)
        if profile.fidelity
        else [],
        "quotes": []
        if stored_quotes
        else service.persona_quotes(
            db_session=db_session, persona_id=persona_id, visible_to=principal
        ),
        "topics": service.persona_topics(
            db_session=db_session, persona_id=persona_id, visible_to=principal
        ),
    }
    return render(request, "personas/detail.html", context, principal=principal)
