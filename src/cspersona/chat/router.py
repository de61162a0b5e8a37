"""``/api/chat``: talk to a persona, read and list conversations, practise and add scenarios."""

import json
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response, StreamingResponse

from cspersona.auth.deps import Reader
from cspersona.chat import audio, history, service
from cspersona.chat.scenario_router import router as scenario_router
from cspersona.chat.schemas import (
    ChatReply,
    ChatRequest,
    ConversationPage,
    ConversationRead,
    ScenarioRunRead,
)
from cspersona.chat.scorecard import ScoreCard
from cspersona.chat.streaming import ReplyStream
from cspersona.exceptions import CsPersonaError
from cspersona.http.deps import IdPath, SessionDep, SettingsDep
from cspersona.http.errors import error_responses
from cspersona.http.events import event_stream, server_sent_event
from cspersona.http.limits import MAX_ID
from cspersona.http.pagination import PageParams, page_params

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
    exchange = service.send_message(
        db_session=db_session,
        settings=settings,
        persona_id=persona_id,
        message=body.message,
        user_id=principal.user_id,
        conversation_id=body.conversation_id,
        scenario_name=body.scenario,
        seed=body.seed,
        write_text=not streaming,
    )
    if not streaming:
        return _reply(exchange)
    pieces = ReplyStream(
        db_session=db_session,
        settings=settings,
        writer_factory=request.app.state.writer_factory,
        exchange=exchange,
        message=body.message,
    )
    # Everything the events need is read now: the stream never touches the request's session.
    return event_stream(_events(pieces, _reply(exchange)))


def _events(pieces: ReplyStream, draft: ChatReply) -> Iterator[str]:
    """``token`` events, then the whole ``reply``; a provider failure becomes an ``error`` event."""
    try:
        for piece in pieces:
            yield server_sent_event("token", piece)
    except CsPersonaError as error:
        yield server_sent_event("error", json.dumps({"detail": error.message}))
        return
    streamed = pieces.exchange
    final = draft.model_copy(
        update={
            "reply": streamed.reply.text,
            "engine": streamed.engine,
            "fallback_reason": streamed.reply.fallback_reason,
        }
    )
    yield server_sent_event("reply", final.model_dump_json())


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
