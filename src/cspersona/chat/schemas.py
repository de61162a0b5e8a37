"""Pydantic models of the chat API: a CSM's message in, the persona's reply out."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema

from cspersona.chat.scenarios import SCENARIO_NAME_PATTERN
from cspersona.chat.scorecard import ScoreCard
from cspersona.chat.speech import SpeechStyle
from cspersona.http.limits import TEXT_PATTERN
from cspersona.http.pagination import Page

# Long enough for any real chat message; a pasted document is refused with a clear 422.
MAX_MESSAGE_CHARS = 4000

# Not blank, and no NUL (which PostgreSQL refuses); said in the schema, checked with a clear error.
BLANK = " \t\n\r\f\v"
NOT_BLANK_PATTERN = r"^[^\x00]*[^\x00 \t\n\r\f\v][^\x00]*$"


def _not_blank(text: str) -> str:
    if not text.strip(BLANK):
        raise ValueError("message is blank: write something to the customer")
    return text.strip(BLANK)


MessageText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_MESSAGE_CHARS, pattern=TEXT_PATTERN),
    AfterValidator(_not_blank),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_MESSAGE_CHARS,
            "pattern": NOT_BLANK_PATTERN,
        }
    ),
]


class ChatRequest(BaseModel):
    """A CSM's message to a persona, continuing a conversation or starting one."""

    model_config = ConfigDict(extra="forbid")

    message: MessageText = Field(description="What the CSM says (1 to 4,000 characters).")
    conversation_id: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="Continue this conversation; omit to start."
    )
    scenario: str | None = Field(
        default=None,
        max_length=64,
        pattern=SCENARIO_NAME_PATTERN,
        description="Start a practice scenario (a built-in or custom scenario's name).",
    )
    seed: int = Field(default=0, ge=0, le=2**31 - 1, description="Seed of a new conversation.")


class ChatReply(BaseModel):
    """The persona's answer with its emotion, style indicators and next questions for the CSM."""

    conversation_id: int
    persona_id: int
    reply: str
    emotion: str
    emotions: dict[str, float]
    style: dict[str, float]
    state: dict[str, float]
    intents: list[str]
    suggestions: list[str]
    engine: str
    fallback_reason: str | None = None
    scenario: str | None = None
    finished: bool = False
    score_card: ScoreCard | None = None
    speech: SpeechStyle = Field(description="How to speak the reply: rate, pitch and voice.")
    audio_url: str = Field(description="The reply as WAV audio (needs espeak-ng on the server).")


class ChatTurnRead(BaseModel):
    """One stored message of a conversation."""

    model_config = ConfigDict(from_attributes=True)

    seq: int
    role: str
    text: str
    emotion: str | None
    intents: list[str]
    suggestions: list[str]
    state: dict[str, Any]
    created_at: datetime


class ConversationRead(BaseModel):
    """A conversation with its whole history, and a finished run's score card."""

    id: int
    persona_id: int
    persona_name: str
    scenario: str | None
    scenario_title: str | None
    engine: str
    finished: bool
    created_at: datetime
    turns: list[ChatTurnRead]
    score_card: ScoreCard | None = Field(description="The run's score card, once it is over.")


class ConversationSummary(BaseModel):
    """One line of a user's history: who they talked to, in which scenario, how it went."""

    id: int
    persona_id: int
    persona_name: str
    scenario: str | None = Field(description="The scenario's name; none for a free conversation.")
    scenario_title: str | None
    turns: int = Field(description="Messages the user sent.")
    started_at: datetime
    last_message_at: datetime
    finished: bool
    outcome: str | None = Field(
        description="A run's outcome (`ongoing` until it ends); none for a free conversation."
    )
    score: float | None = Field(description="A finished run's score out of 100.")


ConversationPage = Page[ConversationSummary]


class ScenarioRead(BaseModel):
    """A practice scenario as the picker shows it, with the persona it runs against by default."""

    name: str
    title: str
    customer_kind: str
    situation: str
    csm_goal: str
    opening: str
    turn_limit: int
    custom: bool = Field(description="Added by an analyst rather than built in.")
    persona_id: int | None = Field(description="The current persona that fits it best.")
    persona_name: str | None = Field(description="That persona's name.")


class ScenarioRunRead(BaseModel):
    """One stored practice run."""

    id: int
    conversation_id: int
    scenario: str
    scenario_title: str
    persona_id: int
    persona_name: str
    outcome: str
    goal_reached: bool
    turns_used: int
    score: float
    created_at: datetime
