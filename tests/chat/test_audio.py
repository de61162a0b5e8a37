"""Reply audio: espeak-ng speaks a reply as WAV in the persona's voice, or says it is missing."""

from pathlib import Path

import pytest

from cspersona.chat import audio
from cspersona.chat.speech import SpeechStyle
from cspersona.exceptions import Unavailable
from tests.chat.conftest import assert_speaks, needs_espeak

NORMAL = SpeechStyle(rate=1.0, pitch=1.0, voice_index=0)


def test_the_speech_style_maps_to_espeak_units() -> None:
    assert audio.espeak_voice(NORMAL) == audio.EspeakVoice(175, 50, "en-us")
    fast_and_low = audio.espeak_voice(SpeechStyle(rate=1.4, pitch=0.7, voice_index=8))

    assert fast_and_low.words_per_minute == 245
    assert fast_and_low.pitch == 35
    assert fast_and_low.voice == audio.VOICES[8 % len(audio.VOICES)]


def test_extreme_styles_stay_inside_espeaks_ranges() -> None:
    slowest = audio.espeak_voice(SpeechStyle(rate=0.1, pitch=0.0, voice_index=0))
    fastest = audio.espeak_voice(SpeechStyle(rate=10.0, pitch=2.0, voice_index=0))

    assert (slowest.words_per_minute, slowest.pitch) == (80, 0)
    assert (fastest.words_per_minute, fastest.pitch) == (450, 99)


@needs_espeak
@pytest.mark.parametrize("voice_index", range(len(audio.VOICES)))
def test_every_voice_speaks_a_reply(tmp_path: Path, voice_index: int) -> None:
    text = "We pay for forty seats and only use twenty five. What can you do about the price?"
    path = tmp_path / "reply.wav"

    audio.synthesise(text, SpeechStyle(rate=1.2, pitch=0.8, voice_index=voice_index), path)

    assert_speaks(path.read_bytes(), text)


@needs_espeak
def test_text_that_looks_like_an_option_is_spoken_not_obeyed(tmp_path: Path) -> None:
    text = "--version -w /tmp/elsewhere.wav is what the last engineer told us to type."

    assert_speaks(audio.wav_bytes(text, NORMAL), text)


def test_without_espeak_the_error_names_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(Unavailable) as raised:
        audio.synthesise("Hello.", NORMAL, tmp_path / "reply.wav", feature="--speak")

    assert raised.value.message == "--speak needs espeak-ng: apt-get install espeak-ng"
    assert not (tmp_path / "reply.wav").exists()


@needs_espeak
def test_an_unwritable_file_is_an_error_not_silence(tmp_path: Path) -> None:
    with pytest.raises(Unavailable, match="espeak-ng wrote no audio"):
        audio.synthesise("Hello.", NORMAL, tmp_path / "missing-folder" / "reply.wav")
