"""A stored reply streamed by a model: the pieces, the text stored, the fallback, the write lock."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy.orm import Session

from cspersona.chat import service, streaming
from cspersona.chat.models import ChatTurn
from cspersona.chat.streaming import ReplyStream
from cspersona.db.engine import session_scope
from tests.chat.conftest import LocalModelChat, local_model_chat, timing_out_client


@pytest.fixture(scope="module")
def local_chat(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalModelChat]:
    """A committed database and the settings of a local model server replaying llama.cpp."""
    with local_model_chat(tmp_path_factory.mktemp("reply-stream")) as chat:
        yield chat


@pytest.fixture
def llama_cpp(local_chat: LocalModelChat, monkeypatch: pytest.MonkeyPatch) -> LocalModelChat:
    """The model server answers the next request with llama.cpp's recorded stream."""
    monkeypatch.setattr(local_chat.app.state.settings, "llm_model", "local-model")
    local_chat.model_server.play("llamacpp-stream")
    return local_chat


@contextmanager
def stored_exchange(chat: LocalModelChat, message: str) -> Iterator[ReplyStream]:
    """An exchange stored and committed as a request would, and the stream of its reply."""
    state = chat.app.state
    with session_scope(state.writer_factory) as db_session:
        exchange = service.send_message(
            db_session=db_session,
            settings=state.settings,
            persona_id=chat.persona_id,
            message=message,
            write_text=False,
        )
        pieces = ReplyStream(
            db_session=db_session,
            settings=state.settings,
            writer_factory=state.writer_factory,
            exchange=exchange,
            message=message,
        )
    yield pieces


def stored_text(chat: LocalModelChat, pieces: ReplyStream) -> str:
    """The text the database holds for the streamed reply's turn."""
    with Session(chat.engine) as db_session:
        turn = db_session.get(ChatTurn, pieces.exchange.conversation.turns[-1].id)
        assert turn is not None
        return turn.text


def test_the_models_pieces_stream_and_their_text_is_stored(llama_cpp: LocalModelChat) -> None:
    with stored_exchange(llama_cpp, "Where do we stand on seats?") as pieces:
        draft = pieces.exchange.reply.text

        streamed = list(pieces)

    assert streamed == ["A discount", " is nice, but", " nobody has called."]
    assert pieces.exchange.reply.text == "".join(streamed) != draft
    assert (pieces.exchange.engine, pieces.exchange.reply.fallback_reason) == ("local", None)
    assert stored_text(llama_cpp, pieces) == "".join(streamed)


def test_a_model_that_fails_before_any_text_streams_the_offline_text_and_says_so(
    local_chat: LocalModelChat, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(streaming, "client_from_settings", timing_out_client)

    with stored_exchange(local_chat, "Is anyone there?") as pieces:
        draft = pieces.exchange.reply.text

        streamed = list(pieces)

    assert streamed == [draft]
    assert pieces.exchange.engine == "offline"
    assert pieces.exchange.reply.fallback_reason == "the model did not answer in time"
    assert stored_text(local_chat, pieces) == draft


def test_the_database_takes_other_writers_while_the_model_writes(
    llama_cpp: LocalModelChat,
) -> None:
    with stored_exchange(llama_cpp, "Who else uses the product?") as pieces:
        stream = iter(pieces)
        next(stream)  # the model has begun: the response cache was looked up

        other = llama_cpp.engine.raw_connection()  # SQLite, with no transaction of its own
        try:
            other.execute("PRAGMA busy_timeout=200")
            other.execute("BEGIN IMMEDIATE")  # "database is locked" while the lock is held
            other.execute("ROLLBACK")
        finally:
            other.close()
        rest = list(stream)

    assert rest == [" is nice, but", " nobody has called."]


def test_without_a_provider_the_stored_text_streams_word_by_word(
    local_chat: LocalModelChat, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(local_chat.app.state.settings, "llm_provider", "offline")

    with stored_exchange(local_chat, "How are things?") as pieces:
        streamed = list(pieces)

    assert "".join(streamed) == pieces.exchange.reply.text
    assert len(streamed) == len(pieces.exchange.reply.text.split(" ")) > 1
    assert pieces.exchange.engine == "offline"
