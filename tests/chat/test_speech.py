"""How a persona sounds: rate, pitch and voice follow its style, inside the Web Speech ranges."""

from dataclasses import replace
from itertools import product

import pytest

from cspersona.chat.character import TRAITS, Character
from cspersona.chat.speech import speech_style
from cspersona.chat.state import initial_state


def character(persona_id: int = 1, **traits: float) -> Character:
    values = dict.fromkeys(TRAITS, 0.5) | traits
    return Character(persona_id=persona_id, name="test", traits=values, concerns=(), member_count=1)


def test_an_impatient_persona_speaks_faster_than_a_patient_one() -> None:
    impatient, patient = character(patience=0.05), character(patience=0.95)

    fast = speech_style(impatient, initial_state(impatient))
    slow = speech_style(patient, initial_state(patient))

    assert fast.rate > slow.rate + 0.2


def test_a_customer_losing_patience_speeds_up() -> None:
    who = character()
    calm = initial_state(who)

    assert speech_style(who, replace(calm, patience=0.1)).rate > speech_style(who, calm).rate


def test_a_formal_persona_speaks_slower_and_lower() -> None:
    formal, casual = character(formality=0.95), character(formality=0.05)

    stiff = speech_style(formal, initial_state(formal))
    loose = speech_style(casual, initial_state(casual))

    assert stiff.rate < loose.rate
    assert stiff.pitch < loose.pitch


def test_an_enthusiastic_persona_speaks_higher() -> None:
    keen, flat = character(enthusiasm=0.95), character(enthusiasm=0.05)

    assert speech_style(keen, initial_state(keen)).pitch > (
        speech_style(flat, initial_state(flat)).pitch
    )


@pytest.mark.parametrize(
    ("patience", "formality", "enthusiasm", "state_patience"), list(product((0.0, 1.0), repeat=4))
)
def test_every_style_is_inside_the_web_speech_ranges(
    patience: float, formality: float, enthusiasm: float, state_patience: float
) -> None:
    who = character(patience=patience, formality=formality, enthusiasm=enthusiasm)
    state = initial_state(who, {"patience": state_patience})

    style = speech_style(who, state)

    assert 0.5 <= style.rate <= 2.0  # the API allows 0.1-10; beyond 2 nobody follows
    assert 0.0 <= style.pitch <= 2.0
    assert style.lang == "en"


def test_the_voice_is_the_personas_own_and_stays_the_same() -> None:
    first, second = character(persona_id=1), character(persona_id=2)
    later = initial_state(first, {"patience": 0.1, "satisfaction": 0.1})

    assert speech_style(first, initial_state(first)).voice_index == (
        speech_style(first, later).voice_index
    )
    assert speech_style(first, later).voice_index != (
        speech_style(second, initial_state(second)).voice_index
    )
