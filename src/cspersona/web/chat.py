"""The chat page: pick a persona or a scenario, talk, watch the customer's state, get scored."""

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse

from cspersona.chat import service
from cspersona.chat.scenarios import Scenario, builtin_scenarios, get_scenario
from cspersona.chat.schemas import MessageText
from cspersona.http.deps import SessionDep, SettingsDep
from cspersona.web.deps import PageUser
from cspersona.web.templating import render

router = APIRouter(include_in_schema=False)

ScenarioName = Annotated[str, Query(max_length=64, pattern=r"^[a-z0-9-]*$")]


@router.get("/chat", response_class=HTMLResponse)
def chat_page(
    request: Request,
    principal: PageUser,
    db_session: SessionDep,
    settings: SettingsDep,
    persona: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    scenario: ScenarioName = "",
) -> HTMLResponse:
    """The chat: a scenario picks its best-fitting persona unless one is chosen."""
    personas = service.current_personas(db_session=db_session)
    chosen_scenario: Scenario | None = get_scenario(scenario) if scenario else None
    persona_id = persona
    if persona_id is None and personas:
        persona_id = (
            service.scenario_persona(
                db_session=db_session, settings=settings, scenario=chosen_scenario
            )
            if chosen_scenario
            else personas[0].id
        )
    selected = next((p for p in personas if p.id == persona_id), None)
    engine = (
        service.build_engine(db_session=db_session, settings=settings, persona_id=selected.id)
        if selected
        else None
    )
    context = {
        "personas": personas,
        "selected": selected,
        "character": engine.character if engine else None,
        # The bars start where the customer starts: the persona's baseline or the scenario's mood.
        "opening": engine.start(chosen_scenario) if engine else None,
        "scenarios": list(builtin_scenarios().values()),
        "scenario": chosen_scenario,
        "runs": service.scenario_runs(db_session=db_session, user_id=principal.user_id)[-5:],
    }
    return render(request, "chat/page.html", context, principal=principal)


@router.post("/chat/messages", response_class=HTMLResponse)
def send(
    request: Request,
    principal: PageUser,
    db_session: SessionDep,
    settings: SettingsDep,
    persona_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
    message: Annotated[MessageText, Form()],
    conversation_id: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
    scenario: Annotated[str, Form(max_length=64, pattern=r"^[a-z0-9-]*$")] = "",
) -> HTMLResponse:
    """One exchange: both turns for the history, and the indicators, suggestions and score card."""
    exchange = service.send_message(
        db_session=db_session,
        settings=settings,
        persona_id=persona_id,
        message=message,
        user_id=principal.user_id,
        conversation_id=conversation_id,
        scenario_name=(scenario or None) if conversation_id is None else None,
    )
    context = {
        "exchange": exchange,
        "message": message,
        "reply": exchange.reply,
        "model": settings.llm_model,  # named under a reply a language model wrote
    }
    return render(request, "chat/_exchange.html", context, principal=principal)
