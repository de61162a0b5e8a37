"""Pydantic models of the chat API: a CSM's message in, the persona's reply out."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema

from cspersona.chat.scorecard import ScoreCard
from cspersona.chat.speech import SpeechStyle
from cspersona.http.deps import TEXT_PATTERN

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
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        description="Start a practice scenario (a built-in scenario's name).",
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
    """A conversation with its whole history."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    persona_id: int
    scenario: str | None
    engine: str
    finished: bool
    created_at: datetime
    turns: list[ChatTurnRead]


class ScenarioRead(BaseModel):
    """A practice scenario as the picker shows it."""

    name: str
    title: str
    persona_label: str
    situation: str
    csm_goal: str
    turn_limit: int
    persona_id: int | None = Field(description="The learned persona it runs against now.")


class ScenarioRunRead(BaseModel):
    """One stored practice run."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    conversation_id: int
    scenario: str
    persona_id: int
    outcome: str
    goal_reached: bool
    turns_used: int
    score: float
    created_at: datetime
