"""The chat page: pick a scenario and a persona, talk, watch the customer's state, get scored.

A scenario starts with its best-fitting persona unless the CSM picks another; a past
conversation reopens from the history (``?conversation=ID``) and continues if it is not over.
A reply a language model writes streams into the page as server-sent events. Analysts add custom
scenarios here too.
"""

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, StreamingResponse
from sqlalchemy.orm import Session

from cspersona.auth.policy import Permission, Principal, require
from cspersona.chat import history, scenario_store, service
from cspersona.chat.models import ChatConversation
from cspersona.chat.scenarios import Scenario, parse_scenario
from cspersona.chat.schemas import MessageText, ScenarioRunRead
from cspersona.chat.state import ChatState, style_of
from cspersona.chat.streaming import OFFLINE, ReplyStream
from cspersona.config import Settings
from cspersona.exceptions import BadInput, Conflict, CsPersonaError, NotFound
from cspersona.http.deps import SessionDep, SettingsDep
from cspersona.http.events import event_stream, server_sent_event
from cspersona.http.limits import MAX_ID, TEXT_PATTERN
from cspersona.personas.models import Persona
from cspersona.web.deps import OptionalId, PageUser
from cspersona.web.templating import render, render_text

router = APIRouter(include_in_schema=False)

ScenarioName = Annotated[str, Query(max_length=64, pattern=r"^[a-z0-9-]*$")]
RECENT_RUNS = 5
# What a new custom scenario looks like; the form shows it as its placeholder (docs/chat.md).
SCENARIO_EXAMPLE = """# Traits (0 to 1): technical, formality, verbosity, price_sensitivity,
# risk_aversion, enthusiasm, patience, baseline_sentiment. Moods: satisfaction, trust, patience.
name: price-rise
title: Price rise
customer_kind: a long-standing customer surprised by a price rise
persona_traits: {price_sensitivity: 1.0, patience: 0.3}
situation: Prices go up 8% at the next renewal and the customer heard it from their invoice.
csm_goal: Keep the customer, explaining the rise without a discount above 5%.
opening: Why is our price going up 8%? Nobody told us.
mood: {satisfaction: 0.3, trust: 0.4}
hidden_objections:
  - key: budget
    text: Our budget for next year is already fixed.
    handled_by: [concession, timeline_commitment]
success: {min_satisfaction: 0.65, min_trust: 0.6, objections_handled: 1}
turn_limit: 8"""


def _pick_persona(
    personas: list[Persona],
    scenario: Scenario | None,
    best_fit: Persona | None,
    asked: int | None,
    shown: int | None,
) -> Persona | None:
    """The persona to talk to.

    A scenario keeps its best fit unless the CSM changed the picker (``asked`` differs from the
    ``shown`` one the page had selected); without a scenario the picker's persona is taken.
    """
    if scenario is not None and best_fit is not None and (asked is None or asked == shown):
        return best_fit
    chosen = next((persona for persona in personas if persona.id == asked), None)
    return chosen or (personas[0] if personas else None)


def _recent_runs(db_session: Session, principal: Principal) -> list[ScenarioRunRead]:
    """The user's last runs, newest first."""
    return history.runs(db_session=db_session, user_id=principal.user_id)[-RECENT_RUNS:][::-1]


def _page_context(db_session: Session, settings: Settings, principal: Principal) -> dict[str, Any]:
    """What every state of the page shows: pickers, best fits, recent runs, the analyst's form."""
    scenarios = scenario_store.list_scenarios(db_session=db_session)
    return {
        "personas": service.current_personas(db_session=db_session),
        "scenarios": scenarios,
        "fits": service.best_fit_personas(
            db_session=db_session, settings=settings, scenarios=scenarios
        ),
        "runs": _recent_runs(db_session, principal),
        "can_add_scenarios": principal.can(Permission.MANAGE_SCENARIOS),
        "stream": settings.llm_provider != OFFLINE,  # a model's reply streams into the page
        "scenario_example": SCENARIO_EXAMPLE,
    }


@router.get("/chat", response_class=HTMLResponse)
def chat_page(
    request: Request,
    principal: PageUser,
    db_session: SessionDep,
    settings: SettingsDep,
    persona: OptionalId = None,
    scenario: ScenarioName = "",
    shown_persona: OptionalId = None,
    conversation: OptionalId = None,
) -> HTMLResponse:
    """A new conversation, or (``conversation``) one of the user's own, reopened."""
    context = _page_context(db_session, settings, principal)
    if conversation is not None:
        context |= _reopened(db_session, settings, principal, conversation)
        return render(request, "chat/page.html", context, principal=principal)
    chosen_scenario = (
        scenario_store.get_scenario(db_session=db_session, name=scenario) if scenario else None
    )
    best_fit = context["fits"].get(chosen_scenario.name) if chosen_scenario else None
    selected = _pick_persona(context["personas"], chosen_scenario, best_fit, persona, shown_persona)
    if selected is None:
        return render(request, "chat/page.html", context, principal=principal)
    engine = service.build_engine(db_session=db_session, settings=settings, persona_id=selected.id)
    # The bars start where the customer starts: the persona's baseline or the scenario's mood.
    start = engine.start(chosen_scenario)
    context |= {
        "selected": selected,
        "best_fit": best_fit,
        "customer_state": start,
        "style": style_of(start, engine.character),
        "scenario": chosen_scenario,
        "removed_scenario": None,
        "conversation": None,
        "read_only": False,
        "card": None,
        "suggestions": [],
    }
    return render(request, "chat/page.html", context, principal=principal)


def _reopened(
    db_session: Session, settings: Settings, principal: Principal, conversation_id: int
) -> dict[str, Any]:
    """A past conversation of the user's: its transcript, the customer's state, a run's card."""
    conversation: ChatConversation = service.get_conversation(
        db_session=db_session, conversation_id=conversation_id, user_id=principal.user_id
    )
    removed = None  # a custom scenario deleted since: the transcript still reads, read-only
    try:
        scenario = (
            scenario_store.get_scenario(db_session=db_session, name=conversation.scenario)
            if conversation.scenario
            else None
        )
    except NotFound:
        scenario, removed = None, history.title_of(conversation.scenario or "", {})
    engine = service.build_engine(
        db_session=db_session, settings=settings, persona_id=conversation.persona_id
    )
    last_reply = next(
        (turn for turn in reversed(conversation.turns) if turn.role == service.PERSONA), None
    )
    run = conversation.scenario_run
    state = ChatState.from_json(conversation.state)
    return {
        "selected": conversation.persona,
        "best_fit": None,
        "customer_state": state,
        "style": style_of(state, engine.character),
        "scenario": scenario,
        "removed_scenario": removed,
        "conversation": conversation,
        "read_only": conversation.finished or removed is not None,
        "card": history.run_score_card(run) if run is not None else None,
        "suggestions": last_reply.suggestions if last_reply and not conversation.finished else [],
    }


@dataclass(frozen=True)
class MessageForm:
    """What the chat form sends: the message, to whom, in which conversation or scenario."""

    persona_id: int
    message: str
    conversation_id: int | None
    scenario: str


def message_form(
    persona_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    message: Annotated[MessageText, Form()],
    conversation_id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
    scenario: Annotated[str, Form(max_length=64, pattern=r"^[a-z0-9-]*$")] = "",
) -> MessageForm:
    """The chat form's fields, checked, for both ways of sending a message."""
    return MessageForm(persona_id, message, conversation_id, scenario)


MessageFormDep = Annotated[MessageForm, Depends(message_form)]


def _send(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    form: MessageForm,
    *,
    write_text: bool,
) -> service.Exchange:
    """Store the exchange; a scenario is named only by the message that starts its run."""
    return service.send_message(
        db_session=db_session,
        settings=settings,
        persona_id=form.persona_id,
        message=form.message,
        user_id=principal.user_id,
        conversation_id=form.conversation_id,
        scenario_name=(form.scenario or None) if form.conversation_id is None else None,
        write_text=write_text,
    )


def _exchange_context(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    exchange: service.Exchange,
    message: str,
) -> dict[str, Any]:
    """What ``chat/_exchange.html`` shows of an exchange, and of the run it may have ended."""
    context: dict[str, Any] = {
        "exchange": exchange,
        "message": message,
        "reply": exchange.reply,
        "model": settings.llm_model,  # named under a reply a language model wrote
    }
    if exchange.score_card is not None:
        context |= {"card": exchange.score_card, "runs": _recent_runs(db_session, principal)}
    return context


@router.post("/chat/messages", response_class=HTMLResponse)
def send(
    request: Request,
    principal: PageUser,
    db_session: SessionDep,
    settings: SettingsDep,
    form: MessageFormDep,
) -> HTMLResponse:
    """One exchange: both turns for the history, and the indicators, suggestions and score card."""
    exchange = _send(db_session, settings, principal, form, write_text=True)
    context = _exchange_context(db_session, settings, principal, exchange, form.message)
    return render(request, "chat/_exchange.html", context, principal=principal)


@router.post("/chat/messages/stream")
def send_streamed(
    request: Request,
    principal: PageUser,
    db_session: SessionDep,
    settings: SettingsDep,
    form: MessageFormDep,
) -> StreamingResponse:
    """One exchange as server-sent events, for a reply a language model writes.

    ``token`` events carry the reply's pieces as the model writes them; then one ``exchange``
    event carries the HTML ``POST /chat/messages`` answers, with the text as streamed and stored.
    """
    exchange = _send(db_session, settings, principal, form, write_text=False)
    pieces = ReplyStream(
        db_session=db_session,
        settings=settings,
        writer_factory=request.app.state.writer_factory,
        exchange=exchange,
        message=form.message,
    )
    # Read now: the events are sent after the request's session closed. The template reads only
    # columns the exchange's objects have loaded.
    context = _exchange_context(db_session, settings, principal, exchange, form.message)
    fallback = settings.llm_fallback == "offline"
    return event_stream(_exchange_events(request, principal, pieces, context, fallback=fallback))


def _exchange_events(
    request: Request,
    principal: Principal,
    pieces: ReplyStream,
    context: dict[str, Any],
    *,
    fallback: bool,
) -> Iterator[str]:
    """``token`` events, then the ``exchange``; a provider failure mid-stream has two endings.

    With the offline fallback, the stored offline draft is shown as the built-in engine's reply
    (what the conversation holds); without it, an ``error`` event says why.
    """
    try:
        for piece in pieces:
            yield server_sent_event("token", piece)
        exchange = pieces.exchange
    except CsPersonaError as error:
        if not fallback:
            yield server_sent_event("error", error.message)
            return
        draft = pieces.exchange
        reply = replace(draft.reply, fallback_reason=error.message)
        exchange = replace(draft, reply=reply, engine=OFFLINE)
    context = context | {"exchange": exchange, "reply": exchange.reply}
    html = render_text(request, "chat/_exchange.html", context, principal=principal)
    yield server_sent_event("exchange", html)


@router.post("/chat/end", response_class=HTMLResponse)
def end_run(
    request: Request,
    principal: PageUser,
    db_session: SessionDep,
    conversation_id: Annotated[int, Form(ge=1, le=MAX_ID)],
) -> HTMLResponse:
    """End and score the scenario run now: the score card in place, the composer closed."""
    card = service.end_scenario(
        db_session=db_session, conversation_id=conversation_id, user_id=principal.user_id
    )
    context = {"card": card, "runs": _recent_runs(db_session, principal)}
    return render(request, "chat/_run_over.html", context | {"oob": False}, principal=principal)


@router.post("/chat/scenarios", response_class=HTMLResponse)
def add_scenario(
    request: Request,
    principal: PageUser,
    db_session: SessionDep,
    settings: SettingsDep,
    document: Annotated[str, Form(max_length=64_000, pattern=TEXT_PATTERN)],
) -> HTMLResponse:
    """Store an analyst's scenario written as YAML; a fault is one line under the form."""
    require(principal, Permission.MANAGE_SCENARIOS)
    try:
        scenario = parse_scenario(document, source="the scenario")
        scenario_store.create_scenario(
            db_session=db_session, scenario=scenario, user_id=principal.user_id
        )
    except (BadInput, Conflict) as error:
        context: dict[str, Any] = {"error": error.message, "scenario": None, "persona": None}
        return render(
            request,
            "chat/_scenario_saved.html",
            context,
            principal=principal,
            status_code=error.status,
        )
    persona = service.best_fit_personas(
        db_session=db_session, settings=settings, scenarios=[scenario]
    ).get(scenario.name)
    context = {"error": None, "scenario": scenario, "persona": persona}
    return render(request, "chat/_scenario_saved.html", context, principal=principal)
