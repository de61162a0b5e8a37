"""One conversation per file: plain text, call and interview transcripts (WebVTT, SRT, lines).

These files do not name their customer, so the import needs ``--customer``. The conversation's
start is a date in the file name (``2025-03-04-call.vtt``, ``call_2025-03-04T1015.txt``) or
else the file's modification time; cue offsets are added to it. Speakers are mapped to roles:
names given with ``--agent`` and labels such as "Agent" or "Support" are the vendor's side,
"CSM" or "Account manager" the customer success manager, "Customer" or "Client" the customer;
otherwise whoever speaks first is taken for the vendor (support calls open with the agent).
A transcript is a customer research interview (type ``interview``) when its file name or a
speaker label says "interview", "moderator" or "participant"; otherwise it is a call.
"""

import hashlib
import html
import re
from abc import abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from cspersona.ingest.readers.base import Reader, ReadOptions
from cspersona.ingest.records import Entity, InputProblem, RawRecord
from cspersona.ingest.sources import read_text

CUE_TIMING = re.compile(
    r"^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})"
)
VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
TAG = re.compile(r"</?[^>]+>")
SPEAKER_LINE = re.compile(
    r"^\s*(?:\[?(?P<before>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)\]?\s*[-–]?\s*)?"
    r"(?P<speaker>[A-ZÀ-Þ][\w .'’&-]{0,40}?)\s*"
    r"(?:[(\[](?P<after>\d{1,2}:\d{2}(?::\d{2})?)[)\]])?\s*:\s+(?P<text>\S.*)$"
)
FILE_NAME_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T _-](\d{2})[:h\-]?(\d{2}))?")
AGENT_WORDS = (
    "agent",
    "support",
    "rep",
    "representative",
    "host",
    "operator",
    "advisor",
    "helpdesk",
)
CSM_WORDS = ("csm", "account manager", "success manager", "interviewer", "moderator")
CUSTOMER_WORDS = ("customer", "client", "caller", "user", "guest", "participant", "interviewee")
# A transcript is a research interview when its file name or a speaker label says so.
INTERVIEW_WORDS = ("interview", "moderator", "participant")
MIN_SPEAKER_SHARE = 0.3


@dataclass
class Turn:
    """One speaker's stretch of talk, with its offset from the start and its line."""

    speaker: str | None
    text: str
    line: int
    offset: timedelta | None = None


def parse_offset(value: str) -> timedelta:
    """``01:02:03.500``, ``02:03,5`` or ``1:02`` as a duration."""
    parts = [float(part.replace(",", ".")) for part in value.split(":")]
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + part
    return timedelta(seconds=seconds)


def speaker_turns(text: str) -> list[Turn]:
    """Turns of "Speaker: text" lines; lines without a speaker continue the previous turn."""
    turns: list[Turn] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = SPEAKER_LINE.match(line)
        if match:
            stamp = match.group("before") or match.group("after")
            offset = parse_offset(stamp) if stamp else None
            turns.append(
                Turn(match.group("speaker").strip(), match.group("text").strip(), number, offset)
            )
        elif line.strip() and turns:
            turns[-1].text += "\n" + line.strip()
    return turns


def looks_like_speaker_lines(text: str) -> bool:
    """At least two speakers, and enough lines that start with one."""
    lines = [line for line in text.splitlines() if line.strip()]
    turns = speaker_turns(text)
    speakers = {turn.speaker for turn in turns}
    return len(speakers) >= 2 and len(turns) >= MIN_SPEAKER_SHARE * len(lines)


def _cue_turns(text: str) -> list[Turn]:
    """Cues of a WebVTT or SRT file (blocks with a timing line), as turns."""
    turns: list[Turn] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        timing = CUE_TIMING.match(lines[index])
        if not timing:
            index += 1
            continue
        offset, start_line = parse_offset(timing.group(1)), index + 1
        payload: list[str] = []
        index += 1
        while index < len(lines) and lines[index].strip():
            payload.append(lines[index])
            index += 1
        cue = "\n".join(payload)
        voice = VOICE.search(cue)
        speaker = voice.group(1).strip() if voice else None
        cue = html.unescape(TAG.sub("", cue)).strip()
        if speaker is None:
            labelled = SPEAKER_LINE.match(cue.splitlines()[0]) if cue else None
            if labelled:
                speaker = labelled.group("speaker").strip()
                cue = cue[labelled.start("text") :]
        if cue:
            turns.append(Turn(speaker, cue, start_line + 1, offset))
    return turns


ROLE_WORDS = re.compile(
    rf"\b(?:{'|'.join(AGENT_WORDS + CSM_WORDS + CUSTOMER_WORDS)})\b|\([^)]*\)", re.IGNORECASE
)


def _people(speakers: list[str]) -> list[str]:
    """The speakers' own names: "Cara (CSM)" is Cara, "Agent" is nobody."""
    names = [" ".join(ROLE_WORDS.sub(" ", speaker).split()) for speaker in speakers]
    return [name for name in names if name]


def _roles(speakers: list[str], agents: frozenset[str]) -> dict[str, str]:
    roles: dict[str, str] = {}
    for speaker in speakers:
        label = speaker.casefold()
        if label in agents or any(word in label for word in AGENT_WORDS):
            roles[speaker] = "agent"
        elif any(word in label for word in CSM_WORDS):
            roles[speaker] = "csm"
        elif any(word in label for word in CUSTOMER_WORDS):
            roles[speaker] = "customer"
    vendor_side_known = any(role != "customer" for role in roles.values())
    for speaker in speakers:
        if speaker not in roles:
            roles[speaker] = "customer" if vendor_side_known else "agent"
            vendor_side_known = True
    return roles


def _merge(turns: list[Turn]) -> list[Turn]:
    """Consecutive turns of one speaker (or without a speaker) become one message."""
    merged: list[Turn] = []
    for turn in turns:
        if merged and (turn.speaker is None or turn.speaker == merged[-1].speaker):
            merged[-1].text += " " + turn.text
        else:
            merged.append(turn)
    return merged


def started_at(path: Path) -> datetime:
    """A date (and time) in the file name, else the file's modification time."""
    match = FILE_NAME_TIME.search(path.name)
    if match:
        try:
            day = datetime.fromisoformat(match.group(1))
            return day.replace(hour=int(match.group(2) or 0), minute=int(match.group(3) or 0))
        except ValueError:
            pass
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


class ConversationFileReader(Reader):
    """A file that is one conversation: an interaction followed by its messages."""

    grouped = True
    interaction_type: ClassVar[str]

    @abstractmethod
    def turns(self, text: str) -> list[Turn]:
        """The conversation's turns in order."""

    def conversation_type(self, path: Path, speakers: list[str]) -> str:
        """The interaction type of this file: the reader's own."""
        return self.interaction_type

    def read(self, path: Path, options: ReadOptions) -> Iterator[RawRecord]:
        """One interaction and its messages."""
        if not options.customer:
            raise InputProblem(
                f"{path.name} does not say whose conversation it is; pass --customer EXTERNAL_ID"
            )
        text = read_text(path, on_read=options.on_read)
        turns = _merge(self.turns(text))
        if not turns:
            raise InputProblem(f"{path.name} holds no conversation text")
        start = started_at(path)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]
        conversation_id = f"{self.label}:{digest}"
        speakers = list(dict.fromkeys(turn.speaker for turn in turns if turn.speaker))
        interaction: dict[str, Any] = {
            "external_id": conversation_id,
            "customer_external_id": options.customer,
            "type": self.conversation_type(path, speakers),
            "channel": self.name,
            "subject": path.stem,
            "started_at": start.isoformat(),
            "participants": _people(speakers),
        }
        yield RawRecord(
            Entity.INTERACTIONS, interaction, path.name, f"{path.name} ({len(text)} characters)"
        )
        roles = _roles(speakers, options.agents)
        for seq, turn in enumerate(turns):
            message = {
                "external_id": f"{conversation_id}:{seq}",
                "interaction_external_id": conversation_id,
                "seq": seq,
                "author_role": roles.get(turn.speaker or "", "customer"),
                "author_id": turn.speaker,
                "sent_at": (start + (turn.offset or timedelta())).isoformat(),
                "text": turn.text,
            }
            yield RawRecord(Entity.MESSAGES, message, f"{path.name}:{turn.line}", turn.text)


class TextReader(ConversationFileReader):
    """A plain text file: the whole text is one message from the customer (an e-mail)."""

    name = "text"
    label = "text"
    interaction_type = "email"

    def turns(self, text: str) -> list[Turn]:
        """The whole text."""
        stripped = text.strip()
        return [Turn(None, stripped, 1)] if stripped else []


class SpeakerTranscriptReader(ConversationFileReader):
    """A call or interview transcript of "Speaker: text" lines, with optional [hh:mm:ss] stamps."""

    name = "transcript"
    label = "transcript"
    interaction_type = "call"

    def turns(self, text: str) -> list[Turn]:
        """The speaker lines."""
        return speaker_turns(text)

    def conversation_type(self, path: Path, speakers: list[str]) -> str:
        """``interview`` when the file name or a speaker label says so, else a call."""
        labels = [path.stem, *speakers]
        if any(word in label.lower() for label in labels for word in INTERVIEW_WORDS):
            return "interview"
        return self.interaction_type


class WebVttReader(SpeakerTranscriptReader):
    """A WebVTT caption file; speakers from ``<v Name>`` tags or "Name:" prefixes."""

    name = "vtt"

    def turns(self, text: str) -> list[Turn]:
        """The cues."""
        if not text.lstrip("\ufeff").startswith("WEBVTT"):
            raise InputProblem("a WebVTT file starts with the line WEBVTT")
        return _cue_turns(text)


class SrtReader(SpeakerTranscriptReader):
    """A SubRip (.srt) caption file; speakers from "Name:" prefixes."""

    name = "srt"

    def turns(self, text: str) -> list[Turn]:
        """The cues."""
        return _cue_turns(text)
