"""A persona's reply as WAV audio, spoken by espeak-ng with the persona's speech style.

espeak-ng is a Debian package, not a Python dependency: it is looked up on PATH when audio is
asked for, and its absence is one clear message naming the package.
"""

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cspersona.chat.speech import SpeechStyle
from cspersona.exceptions import Unavailable

ESPEAK = "espeak-ng"
INSTALL = "apt-get install espeak-ng"
# English voices the Debian package ships, two with a female variant; a persona's voice_index
# picks one, as the browser picks among its own voices.
VOICES = ("en-us", "en-gb", "en-us+f3", "en-gb-scotland", "en-gb+f4", "en-029")
# espeak-ng's own defaults: the speed and pitch of a Web Speech rate and pitch of 1.
NORMAL_WORDS_PER_MINUTE = 175
NORMAL_PITCH = 50
# A reply takes well under a second to synthesise; this only stops a hung process.
TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class EspeakVoice:
    """espeak-ng's settings for a speech style: words per minute, pitch 0-99, voice name."""

    words_per_minute: int
    pitch: int
    voice: str


def espeak_voice(style: SpeechStyle) -> EspeakVoice:
    """The speech style in espeak-ng's units: the same persona sounds alike in both."""
    return EspeakVoice(
        words_per_minute=max(80, min(450, round(NORMAL_WORDS_PER_MINUTE * style.rate))),
        pitch=max(0, min(99, round(NORMAL_PITCH * style.pitch))),
        voice=VOICES[style.voice_index % len(VOICES)],
    )


def require_espeak(feature: str) -> str:
    """The path of espeak-ng, or :class:`Unavailable` saying ``feature`` needs the package."""
    path = shutil.which(ESPEAK)
    if path is None:
        raise Unavailable(f"{feature} needs espeak-ng: {INSTALL}")
    return path


def synthesise(text: str, style: SpeechStyle, path: Path, *, feature: str = "Reply audio") -> None:
    """Write ``text`` spoken in ``style`` to ``path`` as WAV.

    The text goes in on stdin, never through a shell or as an argument espeak-ng could read as
    an option.
    """
    voice = espeak_voice(style)
    command = [
        require_espeak(feature),
        "--stdin",
        "-w",
        str(path),
        "-s",
        str(voice.words_per_minute),
        "-p",
        str(voice.pitch),
        "-v",
        voice.voice,
    ]
    path.unlink(missing_ok=True)  # espeak-ng exits 0 when it cannot write: check the file
    try:
        finished = subprocess.run(
            command, input=text, text=True, capture_output=True, timeout=TIMEOUT_SECONDS
        )
    except subprocess.TimeoutExpired:
        raise Unavailable(f"espeak-ng took over {TIMEOUT_SECONDS} s and was stopped") from None
    except OSError as error:
        raise Unavailable(f"cannot run espeak-ng: {error.strerror}") from None
    if finished.returncode != 0 or not path.is_file() or path.stat().st_size == 0:
        reason = finished.stderr.strip().splitlines()
        detail = reason[0] if reason else f"exit code {finished.returncode}"
        raise Unavailable(f"espeak-ng wrote no audio to {path}: {detail}")


def wav_bytes(text: str, style: SpeechStyle, *, feature: str = "Reply audio") -> bytes:
    """``text`` spoken in ``style`` as the bytes of a WAV file."""
    with tempfile.TemporaryDirectory(prefix="cspersona-audio-") as folder:
        path = Path(folder) / "reply.wav"
        synthesise(text, style, path, feature=feature)
        return path.read_bytes()
