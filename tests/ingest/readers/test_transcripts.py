from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from cspersona.ingest.readers.base import ReadOptions
from cspersona.ingest.readers.transcripts import (
    SpeakerTranscriptReader,
    SrtReader,
    TextReader,
    WebVttReader,
    parse_offset,
    speaker_turns,
)
from cspersona.ingest.records import Entity, InputProblem

SAMPLES = Path(__file__).resolve().parents[3] / "docs" / "samples"
OPTIONS = ReadOptions(customer="cus_001")


def read(
    reader: Any, path: Path, options: ReadOptions = OPTIONS
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    records = list(reader.read(path, options))
    interaction, *messages = (record.fields for record in records)
    assert records[0].entity is Entity.INTERACTIONS
    return interaction, messages


def test_webvtt_voices_become_turns_with_roles_and_times() -> None:
    interaction, messages = read(WebVttReader(), SAMPLES / "call-2025-03-04T1015.vtt")

    assert interaction["started_at"] == "2025-03-04T10:15:00"  # from the file name
    assert interaction["type"] == "call" and interaction["participants"] == ["Cara", "Hope Bishop"]
    assert [(m["author_role"], m["author_id"], m["sent_at"]) for m in messages] == [
        ("csm", "Cara (CSM)", "2025-03-04T10:15:01"),
        ("customer", "Hope Bishop", "2025-03-04T10:15:07"),  # two cues of one speaker merged
        ("csm", "Cara (CSM)", "2025-03-04T10:15:16"),
    ]
    assert (
        messages[1]["text"]
        == "Adoption is good, but SSO setup with Okta was painful. We lost a week on it."
    )


def test_srt_labels_map_agent_and_customer() -> None:
    _interaction, messages = read(SrtReader(), SAMPLES / "support-call-2025-03-05.srt")

    assert [m["author_role"] for m in messages] == ["agent", "customer", "agent"]
    assert messages[0]["text"] == "Thank you for calling Northwind support, this is Felicia."


def test_speaker_lines_with_stamps_and_continuation_lines() -> None:
    interaction, messages = read(SpeakerTranscriptReader(), SAMPLES / "interview-2025-04-01.txt")

    assert [(m["author_id"], m["author_role"]) for m in messages] == [
        ("Dana", "agent"),  # the first speaker is taken for the vendor's side
        ("Priya Raman", "customer"),
        ("Dana", "agent"),
        ("Priya Raman", "customer"),
    ]
    assert (
        messages[1]["text"]
        == "Mostly for the weekly operations review.\nWe export them to slides every Friday."
    )
    assert messages[3]["sent_at"] == "2025-04-01T00:01:10"


def test_a_transcript_named_or_voiced_as_an_interview_is_an_interview(tmp_path: Path) -> None:
    named, _ = read(SpeakerTranscriptReader(), SAMPLES / "interview-2025-04-01.txt")
    path = tmp_path / "research-2025-05-02.vtt"
    path.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Interviewer>What slows you down?\n\n"
        "00:00:05.000 --> 00:00:09.000\n<v Ola Berg>Exports. They time out every Friday.\n",
        encoding="utf-8",
    )
    voiced, messages = read(WebVttReader(), path)
    call, _ = read(WebVttReader(), SAMPLES / "call-2025-03-04T1015.vtt")

    assert named["type"] == voiced["type"] == "interview"
    assert [m["author_role"] for m in messages] == ["csm", "customer"]
    assert call["type"] == "call"


def test_agents_named_by_the_user_are_the_vendor_side() -> None:
    options = ReadOptions(customer="cus_001", agents=frozenset({"priya raman"}))

    _interaction, messages = read(
        SpeakerTranscriptReader(), SAMPLES / "interview-2025-04-01.txt", options
    )

    assert [m["author_role"] for m in messages] == ["customer", "agent", "customer", "agent"]


def test_plain_text_is_one_customer_message_and_a_stable_id() -> None:
    first, messages = read(TextReader(), SAMPLES / "email-2025-03-10.txt")
    again, _ = read(TextReader(), SAMPLES / "email-2025-03-10.txt")

    assert first["external_id"] == again["external_id"] and first["external_id"].startswith("text:")
    assert [m["author_role"] for m in messages] == ["customer"]
    assert messages[0]["text"].startswith("Subject: Renewal")


def test_a_transcript_needs_to_know_its_customer() -> None:
    with pytest.raises(InputProblem, match="pass --customer EXTERNAL_ID"):
        read(TextReader(), SAMPLES / "email-2025-03-10.txt", ReadOptions())


def test_a_vtt_without_its_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "call.vtt"
    path.write_text("00:00:01.000 --> 00:00:02.000\nHi\n", encoding="utf-8")

    with pytest.raises(InputProblem, match="starts with the line WEBVTT"):
        read(WebVttReader(), path)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("01:02:03.500", 3723.5), ("02:03,5", 123.5), ("1:02", 62), ("00:00:09", 9)],
)
def test_offsets(value: str, seconds: float) -> None:
    assert parse_offset(value) == timedelta(seconds=seconds)


def test_speaker_lines_accept_stamps_before_or_after_the_name() -> None:
    turns = speaker_turns("[00:01] Ana: hi\nBo (00:02:03): hello\nplain line\nnot: a speaker")

    assert [(t.speaker, t.offset, t.text) for t in turns] == [
        ("Ana", timedelta(seconds=1), "hi"),
        ("Bo", timedelta(seconds=123), "hello\nplain line\nnot: a speaker"),
    ]
