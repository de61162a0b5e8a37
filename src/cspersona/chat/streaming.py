"""A stored reply whose text the language model streams: the API's and the chat page's events.

The exchange is stored first with the offline engine's text as a draft (``send_message`` with
``write_text=False``), and the request's unit of work commits it. The stream runs after that, when
the request's session is closed, so what it writes, the call log and the streamed text, are units
of work of their own.
"""

from collections.abc import Generator, Iterator
from dataclasses import replace

from sqlalchemy.orm import Session, sessionmaker

from cspersona.chat import scenario_store
from cspersona.chat.engine import LLMEngine
from cspersona.chat.service import CSM, Exchange, build_engine, replace_turn_text
from cspersona.config import Settings
from cspersona.db.engine import session_scope
from cspersona.llm.factory import client_from_settings
from cspersona.llm.prompt import Turn

OFFLINE = "offline"


class ReplyStream:
    """The pieces of one stored reply as they are written; afterwards, the reply as streamed.

    Iterate once. When the iteration ends, the streamed text is stored in the persona's turn
    and :attr:`exchange` holds the reply with it; when the provider failed before any text, the
    offline text streamed and the exchange says so (engine ``offline``, ``fallback_reason``). A
    failure after some text, or any with ``CSPERSONA_LLM_FALLBACK=none``, raises from the
    iteration, and the turn keeps the offline draft. Without a provider the offline text
    streams word by word.
    """

    def __init__(
        self,
        *,
        db_session: Session,
        settings: Settings,
        writer_factory: sessionmaker[Session],
        exchange: Exchange,
        message: str,
    ) -> None:
        """Read from the request's ``db_session`` now all the stream will need."""
        conversation = exchange.conversation
        self.exchange = exchange
        self._settings = settings
        self._writer_factory = writer_factory
        self._message = message
        self._turn_id = conversation.turns[-1].id
        self._history = tuple(
            Turn("user" if turn.role == CSM else "assistant", turn.text)
            for turn in conversation.turns[:-2]
        )
        self._scenario = (
            scenario_store.get_scenario(db_session=db_session, name=conversation.scenario)
            if conversation.scenario
            else None
        )
        self._offline = build_engine(
            db_session=db_session, settings=settings, persona_id=conversation.persona_id
        )

    def __iter__(self) -> Iterator[str]:
        """The text in pieces, then stored: a piece is sent on as soon as it arrives."""
        draft = self.exchange.reply
        parts: list[str] = []
        with session_scope(self._writer_factory) as session:
            client = client_from_settings(self._settings, db_session=session)
            if client is None:  # offline: the stored text is already the reply
                yield from _words(draft.text)
                return
            llm = LLMEngine(
                self._offline,
                client,
                fallback=self._settings.llm_fallback == OFFLINE,
                token_budget=self._settings.chat_prompt_token_budget,
            )
            pieces = llm.stream(draft, self._message, self._history, self._scenario)
            fallback_reason = yield from _collected(pieces, parts, session)
        text = "".join(parts)
        with session_scope(self._writer_factory) as session:
            replace_turn_text(db_session=session, turn_id=self._turn_id, text=text)
        self.exchange = replace(
            self.exchange,
            reply=replace(draft, text=text, fallback_reason=fallback_reason),
            engine=OFFLINE if fallback_reason else self.exchange.engine,
        )


def _collected(
    pieces: Generator[str, None, str | None], parts: list[str], session: Session
) -> Generator[str, None, str | None]:
    """Pass ``pieces`` on, keeping them in ``parts``; return what ``pieces`` returned.

    The first piece ends the response-cache lookup's transaction: on SQLite a writer session holds
    the database's write lock from its first query, and a local model may write for a minute.
    """
    while True:
        try:
            piece = next(pieces)
        except StopIteration as finished:
            reason: str | None = finished.value
            return reason
        if not parts:
            session.commit()
        parts.append(piece)
        yield piece


def _words(text: str) -> Iterator[str]:
    """A finished text in word-sized pieces."""
    words = text.split(" ")
    for position, word in enumerate(words):
        yield word if position == len(words) - 1 else word + " "
