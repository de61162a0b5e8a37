"""How a persona's replies sound when spoken: rate, pitch and voice from its style.

One pure function, so the chat page (the browser's speech synthesis), the API and the audio file
(espeak-ng) give a persona the same voice.
"""

from pydantic import BaseModel, ConfigDict, Field

from cspersona.chat.character import Character
from cspersona.chat.state import ChatState

# The replies are written in English (the phrase banks are); the browser picks among its voices.
LANGUAGE = "en"
# How far a trait moves the Web Speech API's neutral rate and pitch (1.0 each): audible, never
# cartoonish, and well inside the API's ranges (rate 0.1-10, pitch 0-2).
IMPATIENCE_SPEEDS_UP = 0.4
FORMALITY_SLOWS_DOWN = 0.2
ENTHUSIASM_RAISES_PITCH = 0.2
FORMALITY_LOWERS_PITCH = 0.3


class SpeechStyle(BaseModel):
    """The settings a persona's reply is spoken with, in the Web Speech API's units."""

    model_config = ConfigDict(frozen=True)

    rate: float = Field(ge=0.1, le=10, description="Speaking rate: 1 is normal, above is faster.")
    pitch: float = Field(ge=0, le=2, description="Pitch: 1 is normal, below is deeper.")
    voice_index: int = Field(
        ge=0,
        description="Picks one of the available voices of the language (modulo their count), "
        "the same for every reply of the persona.",
    )
    lang: str = Field(default=LANGUAGE, description="Language of the reply, to pick a voice.")


def speech_style(character: Character, state: ChatState) -> SpeechStyle:
    """An impatient customer speaks faster, a formal one slower and lower, a keen one higher.

    Impatience is the persona's own and the conversation's: a customer losing patience speeds up.
    """
    traits = character.traits
    impatience = 1.0 - (traits["patience"] + state.patience) / 2
    rate = 1.0 + IMPATIENCE_SPEEDS_UP * impatience - FORMALITY_SLOWS_DOWN * traits["formality"]
    pitch = (
        1.0
        + ENTHUSIASM_RAISES_PITCH * traits["enthusiasm"]
        - FORMALITY_LOWERS_PITCH * traits["formality"]
    )
    return SpeechStyle(rate=round(rate, 2), pitch=round(pitch, 2), voice_index=character.persona_id)
