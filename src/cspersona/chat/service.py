"""Chat operations on a session: talk to a persona, keep the history, run practice scenarios."""

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspersona.chat import scenario_store
from cspersona.chat.accounts import member_accounts
from cspersona.chat.character import load_character, member_messages
from cspersona.chat.engine import LLMEngine, OfflineEngine, Reply
from cspersona.chat.intents import classify
from cspersona.chat.models import ChatConversation, ChatTurn, ScenarioRun
from cspersona.chat.retrieval import SnippetIndex
from cspersona.chat.scenarios import Outcome, Scenario, outcome
from cspersona.chat.scorecard import CsmTurn, ScoreCard, score_card
from cspersona.chat.speech import SpeechStyle, speech_style
from cspersona.chat.state import ChatState
from cspersona.config import Settings
from cspersona.conversations.models import AuthorRole, Interaction, Message
from cspersona.exceptions import BadInput, Conflict, NotFound
from cspersona.llm.client import LLMClient
from cspersona.llm.factory import client_from_settings
from cspersona.llm.prompt import Turn
from cspersona.personas.models import Persona, PersonaMapping
from cspersona.personas.overlays import persona_guidance
from cspersona.pii.anonymizer import PiiRedactor

CSM, PERSONA = "csm", "persona"

# Built engines by persona and data fingerprint: building one reads thousands of messages, a
# reply takes milliseconds. Small, because each holds a TF-IDF matrix.
_ENGINE_CACHE: OrderedDict[tuple[object, ...], OfflineEngine] = OrderedDict()
_ENGINE_CACHE_SIZE = 16
# Messages per sibling persona that the typicality of a persona's sentences is measured against.
OTHERS_LIMIT = 1500


@dataclass(frozen=True)
class Exchange:
    """One CSM message and the persona's reply, as stored."""

    conversation: ChatConversation
    reply: Reply
    engine: str
    speech: SpeechStyle
    score_card: ScoreCard | None = None


def current_personas(*, db_session: Session) -> list[Persona]:
    """The active personas of the newest persona model version."""
    active = select(Persona).where(Persona.active.is_(True))
    newest = db_session.scalar(select(func.max(active.subquery().c.version)))
    if newest is None:
        return []
    return list(db_session.scalars(active.where(Persona.version == newest).order_by(Persona.id)))


def _fingerprint(db_session: Session, persona: Persona) -> tuple[object, ...]:
    count, newest = db_session.execute(
        select(func.count(Message.id), func.max(Message.id))
        .join(Interaction, Interaction.id == Message.interaction_id)
        .join(PersonaMapping, PersonaMapping.customer_id == Interaction.customer_id)
        .where(PersonaMapping.persona_id == persona.id, Message.author_role == AuthorRole.CUSTOMER)
    ).one()
    return (persona.id, persona.created_at, persona.narrative, count, newest)


def build_engine(
    *, db_session: Session, settings: Settings, persona_id: int, seed: int = 0
) -> OfflineEngine:
    """The offline engine of a persona, reused while its members' messages are unchanged."""
    persona = db_session.get(Persona, persona_id)
    if persona is None:
        raise NotFound(f"persona {persona_id} not found")
    industries = tuple(persona_guidance(persona.profile.industries, settings))
    overlays = tuple(industry.model_dump_json() for industry in industries)
    key = (*_fingerprint(db_session, persona), settings.chat_retrieval, overlays)
    engine = _ENGINE_CACHE.get(key)
    if engine is None:
        character, messages = load_character(db_session=db_session, persona_id=persona_id)
        character = replace(character, industries=industries)
        redactor = PiiRedactor.from_settings(settings, operator="replace")
        index = SnippetIndex(
            [message.text for message in messages],
            [message.customer_id for message in messages],
            redact=redactor.redact,
            backend=settings.chat_retrieval,
            others=_other_personas_messages(db_session=db_session, persona=persona),
        )
        accounts = member_accounts(db_session=db_session, persona_id=persona_id)
        engine = OfflineEngine(character, index, accounts=accounts)
        _ENGINE_CACHE[key] = engine
        while len(_ENGINE_CACHE) > _ENGINE_CACHE_SIZE:
            _ENGINE_CACHE.popitem(last=False)
    _ENGINE_CACHE.move_to_end(key)
    return OfflineEngine(
        engine.character, engine.index, voice=engine.voice, seed=seed, accounts=engine.accounts
    )


def _other_personas_messages(*, db_session: Session, persona: Persona) -> list[str]:
    """What the members of the persona's sibling personas wrote: the contrast for typicality."""
    siblings = db_session.scalars(
        select(Persona.id).where(Persona.version == persona.version, Persona.id != persona.id)
    )
    return [
        message.text
        for sibling in siblings
        for message in member_messages(
            db_session=db_session, persona_id=sibling, limit=OTHERS_LIMIT
        )
    ]


def best_fit_personas(
    *, db_session: Session, settings: Settings, scenarios: Sequence[Scenario]
) -> dict[str, Persona]:
    """Each scenario's default persona, by scenario name: the current one that fits it best.

    The one rule the page, the API and the CLI use, so a scenario runs against the same persona
    wherever it starts. Empty when there are no personas yet.
    """
    personas = {persona.id: persona for persona in current_personas(db_session=db_session)}
    cast = [
        build_engine(db_session=db_session, settings=settings, persona_id=persona_id).character
        for persona_id in personas
    ]
    if not cast:
        return {}
    return {scenario.name: personas[scenario.select(cast).persona_id] for scenario in scenarios}


def scenario_persona(*, db_session: Session, settings: Settings, scenario: Scenario) -> Persona:
    """The current persona that fits ``scenario`` best, or :class:`NotFound` without personas."""
    fits = best_fit_personas(db_session=db_session, settings=settings, scenarios=[scenario])
    if not fits:
        raise NotFound("no personas to practise with: build personas first")
    return fits[scenario.name]


def get_conversation(
    *, db_session: Session, conversation_id: int, user_id: int | None = None
) -> ChatConversation:
    """A conversation, only for the user who holds it (others get :class:`NotFound`)."""
    conversation = db_session.get(ChatConversation, conversation_id)
    if conversation is None or (user_id is not None and conversation.user_id != user_id):
        raise NotFound(f"conversation {conversation_id} not found")
    return conversation


def start_conversation(
    *,
    db_session: Session,
    engine: OfflineEngine,
    user_id: int | None,
    scenario: Scenario | None = None,
) -> ChatConversation:
    """A new conversation; a scenario's opening line is the persona's first turn."""
    state = engine.start(scenario)
    conversation = ChatConversation(
        persona_id=engine.character.persona_id,
        user_id=user_id,
        scenario=scenario.name if scenario else None,
        seed=engine.seed,
        state=state.to_json(),
    )
    if scenario is not None:
        conversation.turns.append(
            ChatTurn(
                seq=0,
                role=PERSONA,
                text=scenario.opening,
                emotion=state.emotion,
                state=state.to_json(),
            )
        )
    db_session.add(conversation)
    db_session.flush()
    return conversation


def send_message(
    *,
    db_session: Session,
    settings: Settings,
    persona_id: int,
    message: str,
    user_id: int | None = None,
    conversation_id: int | None = None,
    scenario_name: str | None = None,
    seed: int = 0,
    llm_client: LLMClient | None = None,
    write_text: bool = True,
) -> Exchange:
    """The persona's reply to ``message``, stored with the CSM's message in the conversation.

    With a provider configured the reply text is written by the LLM (unless ``write_text`` is
    False, for streaming); the offline engine still tracks state and scores scenarios.
    """
    if not message.strip():
        raise BadInput("message is empty")
    if conversation_id is None:
        engine = build_engine(
            db_session=db_session, settings=settings, persona_id=persona_id, seed=seed
        )
        scenario = (
            scenario_store.get_scenario(db_session=db_session, name=scenario_name)
            if scenario_name
            else None
        )
        conversation = start_conversation(
            db_session=db_session, engine=engine, user_id=user_id, scenario=scenario
        )
    else:
        conversation = get_conversation(
            db_session=db_session, conversation_id=conversation_id, user_id=user_id
        )
        if conversation.persona_id != persona_id:
            raise BadInput(
                f"conversation {conversation_id} is with persona {conversation.persona_id}"
            )
        if conversation.finished:
            raise Conflict(f"conversation {conversation_id} is finished; start a new one")
        engine = build_engine(
            db_session=db_session,
            settings=settings,
            persona_id=persona_id,
            seed=conversation.seed,
        )
        scenario = (
            scenario_store.get_scenario(db_session=db_session, name=conversation.scenario)
            if conversation.scenario
            else None
        )
    state = ChatState.from_json(conversation.state)
    reply = engine.respond(state, message, scenario=scenario)
    client = llm_client or client_from_settings(settings, db_session=db_session)
    engine_name = "offline"
    if client is not None:
        engine_name = client.provider.name
        if write_text:
            history = tuple(
                Turn("user" if turn.role == CSM else "assistant", turn.text)
                for turn in conversation.turns
            )
            llm = LLMEngine(
                engine,
                client,
                fallback=settings.llm_fallback == "offline",
                token_budget=settings.chat_prompt_token_budget,
            )
            reply = llm.write(reply, message, history, scenario)
            if reply.fallback_reason is not None:
                engine_name = "offline"
    conversation.engine = engine_name
    card = _record_turns(conversation, message, reply, scenario)
    db_session.flush()  # the turns get their ids: a streamed reply replaces its turn's text by id
    return Exchange(
        conversation=conversation,
        reply=reply,
        engine=engine_name,
        speech=speech_style(engine.character, reply.state),
        score_card=card,
    )


def turn_speech(
    *, db_session: Session, settings: Settings, conversation_id: int, seq: int, user_id: int | None
) -> tuple[str, SpeechStyle]:
    """The text of a persona's turn and how to speak it: as the reply was spoken on the page."""
    conversation = get_conversation(
        db_session=db_session, conversation_id=conversation_id, user_id=user_id
    )
    turn = next((t for t in conversation.turns if t.seq == seq and t.role == PERSONA), None)
    if turn is None:
        raise NotFound(
            f"conversation {conversation_id} has no reply from the customer at turn {seq}"
        )
    engine = build_engine(
        db_session=db_session, settings=settings, persona_id=conversation.persona_id
    )
    return turn.text, speech_style(engine.character, ChatState.from_json(turn.state))


def _record_turns(
    conversation: ChatConversation, message: str, reply: Reply, scenario: Scenario | None
) -> ScoreCard | None:
    """Append both turns, and finish a scenario run that reached its end."""
    seq = len(conversation.turns)
    conversation.turns.append(
        ChatTurn(seq=seq, role=CSM, text=message, intents=sorted(reply.intents))
    )
    conversation.turns.append(
        ChatTurn(
            seq=seq + 1,
            role=PERSONA,
            text=reply.text,
            emotion=reply.emotion,
            state=reply.state.to_json(),
            intents=[],
            suggestions=list(reply.suggestions),
        )
    )
    conversation.state = reply.state.to_json()
    if scenario is None or outcome(scenario, reply.state) is Outcome.ONGOING:
        return None
    return finish_scenario(conversation, scenario)


def csm_turns(conversation: ChatConversation) -> list[CsmTurn]:
    """The CSM's turns with the customer's state before and after each, for the score card."""
    turns: list[CsmTurn] = []
    before: ChatState | None = None
    pending: ChatTurn | None = None
    for turn in conversation.turns:
        if turn.role == CSM:
            pending = turn
            continue
        after = ChatState.from_json(turn.state) if turn.state else None
        if pending is not None:
            turns.append(CsmTurn(pending.text, classify(pending.text), before, after))
            pending = None
        before = after
    return turns


def finish_scenario(conversation: ChatConversation, scenario: Scenario) -> ScoreCard:
    """Score a scenario conversation, store the run and close the conversation."""
    state = ChatState.from_json(conversation.state)
    card = score_card(
        scenario, state, csm_turns(conversation), persona_id=conversation.persona_id
    ).model_copy(update={"persona_name": conversation.persona.name})
    conversation.finished = True
    conversation.turns[-1].state = {**conversation.turns[-1].state, "outcome": card.outcome}
    conversation.scenario_run = ScenarioRun(
        user_id=conversation.user_id,
        scenario=scenario.name,
        persona_id=conversation.persona_id,
        outcome=card.outcome,
        goal_reached=card.goal_reached,
        turns_used=card.turns_used,
        score=card.score,
        score_card=card.model_dump(mode="json"),
    )
    return card


def end_scenario(*, db_session: Session, conversation_id: int, user_id: int | None) -> ScoreCard:
    """Stop a scenario run early and score it as it stands."""
    conversation = get_conversation(
        db_session=db_session, conversation_id=conversation_id, user_id=user_id
    )
    if conversation.scenario is None:
        raise BadInput(f"conversation {conversation_id} is not a scenario run")
    if conversation.finished:
        raise Conflict(f"conversation {conversation_id} is already finished")
    scenario = scenario_store.get_scenario(db_session=db_session, name=conversation.scenario)
    card = finish_scenario(conversation, scenario)
    db_session.flush()
    return card


def replace_turn_text(*, db_session: Session, turn_id: int, text: str) -> None:
    """Store the text a provider streamed in place of the offline draft of a persona turn."""
    turn = db_session.get(ChatTurn, turn_id)
    if turn is None:
        raise NotFound(f"chat turn {turn_id} not found")
    turn.text = text
    db_session.flush()
