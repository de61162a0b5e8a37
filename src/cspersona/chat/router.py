"""``/api/chat``: talk to a persona, read and list conversations, practise and add scenarios."""

import json
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response, StreamingResponse

from cspersona.auth.deps import Reader
from cspersona.chat import audio, history, scenario_store, service
from cspersona.chat.engine import LLMEngine
from cspersona.chat.scenario_router import router as scenario_router
from cspersona.chat.schemas import (
    ChatReply,
    ChatRequest,
    ConversationPage,
    ConversationRead,
    ScenarioRunRead,
)
from cspersona.chat.scorecard import ScoreCard
from cspersona.db.engine import session_scope
from cspersona.exceptions import CsPersonaError
from cspersona.http.deps import MAX_ID, IdPath, SessionDep, SettingsDep
from cspersona.http.errors import error_responses
from cspersona.http.pagination import PageParams, page_params
from cspersona.llm.factory import client_from_settings
from cspersona.llm.prompt import Turn

router = APIRouter(prefix="/chat", tags=["chat"])
# First, so that ``POST /chat/scenarios`` is not read as a message to a persona called "scenarios".
router.include_router(scenario_router)


def _reply(exchange: service.Exchange) -> ChatReply:
    reply = exchange.reply
    state = reply.state
    return ChatReply(
        conversation_id=exchange.conversation.id,
        persona_id=exchange.conversation.persona_id,
        reply=reply.text,
        emotion=reply.emotion,
        emotions=state.emotions,
        style=reply.style,
        state={
            "satisfaction": state.satisfaction,
            "trust": state.trust,
            "patience": state.patience,
        },
        intents=sorted(reply.intents),
        suggestions=list(reply.suggestions),
        engine=exchange.engine,
        fallback_reason=reply.fallback_reason,
        scenario=exchange.conversation.scenario,
        finished=exchange.conversation.finished,
        score_card=exchange.score_card,
        speech=exchange.speech,
        audio_url=(
            f"/api/chat/conversations/{exchange.conversation.id}/turns/"
            f"{exchange.conversation.turns[-1].seq}/audio"
        ),
    )


def _event(name: str, data: str) -> str:
    lines = "".join(f"data: {line}\n" for line in data.split("\n"))
    return f"event: {name}\n{lines}\n"


@router.post(
    "/{persona_id}",
    response_model=ChatReply,
    responses={
        **error_responses(404, 409, 502, 504),
        200: {"content": {"text/event-stream": {}}},
    },
)
def chat(
    persona_id: IdPath,
    body: ChatRequest,
    request: Request,
    principal: Reader,
    db_session: SessionDep,
    settings: SettingsDep,
    stream: Annotated[bool, Query(description="Answer as server-sent events.")] = False,
) -> ChatReply | StreamingResponse:
    """Send a message to a persona and get its reply, emotion, style and suggested questions.

    With ``Accept: text/event-stream`` or ``?stream=true`` the reply arrives as server-sent events:
    ``token`` events with pieces of text, then one ``reply`` event with the whole answer.
    """
    streaming = stream or "text/event-stream" in request.headers.get("accept", "")
    llm_streams = streaming and settings.llm_provider != "offline"
    exchange = service.send_message(
        db_session=db_session,
        settings=settings,
        persona_id=persona_id,
        message=body.message,
        user_id=principal.user_id,
        conversation_id=body.conversation_id,
        scenario_name=body.scenario,
        seed=body.seed,
        write_text=not llm_streams,
    )
    if not streaming:
        return _reply(exchange)
    if not llm_streams:
        pieces: Iterator[str] = service.stream_text(exchange.reply.text)
        return StreamingResponse(
            _events(pieces, _reply(exchange), lambda text: None), media_type="text/event-stream"
        )
    history = tuple(
        Turn("user" if turn.role == service.CSM else "assistant", turn.text)
        for turn in exchange.conversation.turns[:-2]
    )
    scenario = (
        scenario_store.get_scenario(db_session=db_session, name=exchange.conversation.scenario)
        if exchange.conversation.scenario
        else None
    )
    writer_factory = request.app.state.writer_factory
    turn_id = exchange.conversation.turns[-1].id
    offline = service.build_engine(db_session=db_session, settings=settings, persona_id=persona_id)

    # The stream runs after the request's unit of work committed (the exchange is stored by
    # then), so what it writes, the call log and the streamed text, are units of work of their own.
    def llm_pieces() -> Iterator[str]:
        with session_scope(writer_factory) as session:
            client = client_from_settings(settings, db_session=session)
            if client is None:  # the provider setting cannot change while the app runs
                yield exchange.reply.text
                return
            llm = LLMEngine(
                offline,
                client,
                fallback=settings.llm_fallback == "offline",
                token_budget=settings.chat_prompt_token_budget,
            )
            yield from llm.stream(exchange.reply, body.message, history, scenario)

    def store(text: str) -> None:
        with session_scope(writer_factory) as session:
            service.replace_turn_text(db_session=session, turn_id=turn_id, text=text)

    # Everything the events need is read now: the stream never touches the request's session.
    return StreamingResponse(
        _events(llm_pieces(), _reply(exchange), store), media_type="text/event-stream"
    )


def _events(pieces: Iterator[str], final: ChatReply, store: service.TextStore) -> Iterator[str]:
    """``token`` events, then the whole ``reply``; a provider failure becomes an ``error`` event."""
    parts: list[str] = []
    try:
        for piece in pieces:
            parts.append(piece)
            yield _event("token", piece)
    except CsPersonaError as error:
        yield _event("error", json.dumps({"detail": error.message}))
        return
    text = "".join(parts)
    store(text)
    yield _event("reply", final.model_copy(update={"reply": text}).model_dump_json())


@router.get("/conversations", response_model=ConversationPage)
def list_conversations(
    principal: Reader,
    db_session: SessionDep,
    page: Annotated[PageParams, Depends(page_params)],
) -> ConversationPage:
    """The caller's conversations and practice runs, the most recently active first."""
    items, total = history.conversations(
        db_session=db_session, user_id=principal.user_id, limit=page.limit, offset=page.offset
    )
    return ConversationPage.of(items, total, page)


@router.get(
    "/conversations/{conversation_id}",
    response_model=ConversationRead,
    responses=error_responses(404),
)
def read_conversation(
    conversation_id: IdPath, principal: Reader, db_session: SessionDep
) -> ConversationRead:
    """A conversation of the caller's with every turn, and a finished run's score card."""
    conversation = service.get_conversation(
        db_session=db_session, conversation_id=conversation_id, user_id=principal.user_id
    )
    return history.conversation_read(db_session=db_session, conversation=conversation)


@router.get(
    "/conversations/{conversation_id}/turns/{seq}/audio",
    response_class=Response,
    responses={
        **error_responses(404, 503),
        200: {"content": {"audio/wav": {}}, "description": "The reply as WAV audio."},
    },
)
def turn_audio(
    conversation_id: IdPath,
    seq: Annotated[int, Path(ge=0, le=MAX_ID, description="The turn's position (`seq`).")],
    principal: Reader,
    db_session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """A persona's reply in one of the caller's conversations, spoken by espeak-ng as WAV."""
    text, speech = service.turn_speech(
        db_session=db_session,
        settings=settings,
        conversation_id=conversation_id,
        seq=seq,
        user_id=principal.user_id,
    )
    return Response(
        audio.wav_bytes(text, speech),
        media_type="audio/wav",
        headers={
            "Content-Disposition": f'inline; filename="conversation-{conversation_id}-{seq}.wav"'
        },
    )


@router.post(
    "/conversations/{conversation_id}/finish",
    response_model=ScoreCard,
    responses=error_responses(400, 404, 409),
)
def finish_conversation(
    conversation_id: IdPath, principal: Reader, db_session: SessionDep
) -> ScoreCard:
    """End a scenario run now and get its score card."""
    return service.end_scenario(
        db_session=db_session, conversation_id=conversation_id, user_id=principal.user_id
    )


@router.get("/scenario-runs", response_model=list[ScenarioRunRead])
def list_scenario_runs(principal: Reader, db_session: SessionDep) -> list[ScenarioRunRead]:
    """The caller's practice runs, oldest first: their scores over time."""
    return history.runs(db_session=db_session, user_id=principal.user_id)
