"""A user's past conversations and practice runs: to reopen them and follow scores over time.

Every read here takes the user's id and returns only that user's rows, so no surface can show
one user's conversations to another.
"""

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from cspersona.chat import scenario_store
from cspersona.chat.models import ChatConversation, ChatTurn, ScenarioRun
from cspersona.chat.scenarios import Outcome
from cspersona.chat.schemas import (
    ChatTurnRead,
    ConversationRead,
    ConversationSummary,
    ScenarioRunRead,
)
from cspersona.chat.scorecard import ScoreCard
from cspersona.personas.models import Persona

CSM = "csm"


def scenario_titles(*, db_session: Session) -> dict[str, str]:
    """Every known scenario's title by name."""
    return {
        scenario.name: scenario.title
        for scenario in scenario_store.list_scenarios(db_session=db_session)
    }


def title_of(name: str, titles: dict[str, str]) -> str:
    """A scenario's title; a deleted custom scenario is named from its name ("price-rise")."""
    return titles.get(name) or name.replace("-", " ").capitalize()


def conversations(
    *, db_session: Session, user_id: int, limit: int, offset: int
) -> tuple[list[ConversationSummary], int]:
    """One page of the user's conversations, the most recently active first; and the total."""
    activity = (
        select(
            ChatTurn.conversation_id,
            func.sum(case((ChatTurn.role == CSM, 1), else_=0)).label("turns"),
            func.max(ChatTurn.created_at).label("last_message_at"),
        )
        .group_by(ChatTurn.conversation_id)
        .subquery()
    )
    last_message_at = func.coalesce(activity.c.last_message_at, ChatConversation.created_at)
    statement = (
        select(
            ChatConversation,
            Persona.name,
            func.coalesce(activity.c.turns, 0),
            last_message_at,
            ScenarioRun.outcome,
            ScenarioRun.score,
        )
        .join(Persona, Persona.id == ChatConversation.persona_id)
        .outerjoin(activity, activity.c.conversation_id == ChatConversation.id)
        .outerjoin(ScenarioRun, ScenarioRun.conversation_id == ChatConversation.id)
        .where(ChatConversation.user_id == user_id)
    )
    total = db_session.scalar(
        select(func.count(ChatConversation.id)).where(ChatConversation.user_id == user_id)
    )
    rows = db_session.execute(
        statement.order_by(last_message_at.desc(), ChatConversation.id.desc())
        .limit(limit)
        .offset(offset)
    )
    titles = scenario_titles(db_session=db_session)
    items = [
        ConversationSummary(
            id=conversation.id,
            persona_id=conversation.persona_id,
            persona_name=persona_name,
            scenario=conversation.scenario,
            scenario_title=title_of(conversation.scenario, titles)
            if conversation.scenario
            else None,
            turns=turns,
            started_at=conversation.created_at,
            last_message_at=last_at,
            finished=conversation.finished,
            outcome=outcome or (Outcome.ONGOING.value if conversation.scenario else None),
            score=score,
        )
        for conversation, persona_name, turns, last_at, outcome, score in rows
    ]
    return items, total or 0


def conversation_read(*, db_session: Session, conversation: ChatConversation) -> ConversationRead:
    """A conversation with every turn, its persona and scenario by name, and a run's score card."""
    run = conversation.scenario_run
    return ConversationRead(
        id=conversation.id,
        persona_id=conversation.persona_id,
        persona_name=conversation.persona.name,
        scenario=conversation.scenario,
        scenario_title=title_of(conversation.scenario, scenario_titles(db_session=db_session))
        if conversation.scenario
        else None,
        engine=conversation.engine,
        finished=conversation.finished,
        created_at=conversation.created_at,
        turns=[ChatTurnRead.model_validate(turn) for turn in conversation.turns],
        score_card=run_score_card(run) if run is not None else None,
    )


def run_score_card(run: ScenarioRun) -> ScoreCard:
    """A stored run's score card, naming its persona (cards stored before names were kept too)."""
    card = ScoreCard.model_validate(run.score_card)
    return card if card.persona_name else card.model_copy(update={"persona_name": run.persona.name})


def runs(*, db_session: Session, user_id: int) -> list[ScenarioRunRead]:
    """The user's practice runs, oldest first, each naming its scenario and persona."""
    titles = scenario_titles(db_session=db_session)
    statement = (
        select(ScenarioRun, Persona.name)
        .join(Persona, Persona.id == ScenarioRun.persona_id)
        .where(ScenarioRun.user_id == user_id)
        .order_by(ScenarioRun.created_at, ScenarioRun.id)
    )
    return [
        ScenarioRunRead(
            id=run.id,
            conversation_id=run.conversation_id,
            scenario=run.scenario,
            scenario_title=title_of(run.scenario, titles),
            persona_id=run.persona_id,
            persona_name=persona_name,
            outcome=run.outcome,
            goal_reached=run.goal_reached,
            turns_used=run.turns_used,
            score=run.score,
            created_at=run.created_at,
        )
        for run, persona_name in db_session.execute(statement)
    ]
