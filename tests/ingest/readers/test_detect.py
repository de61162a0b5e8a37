from pathlib import Path

import pytest

from cspersona.exceptions import BadInput
from cspersona.ingest.readers.detect import SOURCES, choose_reader, inputs
from cspersona.ingest.records import InputProblem

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT / "docs" / "samples"
WORLD = ROOT / "tests" / "ingest" / "data" / "world"


@pytest.mark.parametrize(
    ("name", "reader"),
    [
        ("zendesk-tickets.json", "zendesk"),
        ("intercom-conversations.json", "intercom"),
        ("freshdesk-tickets.json", "freshdesk"),
        ("hubspot-companies.csv", "hubspot"),
        ("hubspot-contacts.csv", "hubspot"),
        ("hubspot-tickets.csv", "hubspot"),
        ("salesforce-accounts.csv", "salesforce"),
        ("salesforce-contacts.csv", "salesforce"),
        ("salesforce-cases.csv", "salesforce"),
        ("chat-export.csv", "csv"),
        ("call-2025-03-04T1015.vtt", "vtt"),
        ("support-call-2025-03-05.srt", "srt"),
        ("interview-2025-04-01.txt", "transcript"),
        ("email-2025-03-10.txt", "text"),
    ],
)
def test_samples_are_recognised_from_name_and_content(name: str, reader: str) -> None:
    assert choose_reader(SAMPLES / name, "auto", None).name == reader


def test_content_wins_over_a_misleading_extension(tmp_path: Path) -> None:
    path = tmp_path / "captions.txt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi\n", encoding="utf-8")

    assert choose_reader(path, "auto", None).name == "vtt"


def test_a_dataset_folder_is_one_input_and_other_folders_are_their_files(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("hello", encoding="utf-8")
    (tmp_path / "a.vtt").write_text("WEBVTT\n", encoding="utf-8")
    (tmp_path / ".hidden").write_text("x", encoding="utf-8")

    assert list(inputs([WORLD], "auto", None)) == [WORLD]
    assert choose_reader(WORLD, "auto", None).name == "dataset"
    assert list(inputs([tmp_path], "auto", None)) == [tmp_path / "a.vtt", tmp_path / "b.txt"]


def test_an_explicit_source_is_obeyed(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Agent: hi\nCustomer: hello\n", encoding="utf-8")

    assert choose_reader(path, "text", None).name == "text"
    assert choose_reader(path, "auto", None).name == "transcript"


def test_unknown_sources_missing_paths_and_unknown_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="--source 'excel': use one of auto, dataset, csv"):
        list(inputs([tmp_path], "excel", None))
    with pytest.raises(BadInput, match="does not exist"):
        list(inputs([tmp_path / "nope.csv"], "auto", None))
    sheet = tmp_path / "data.xlsx"
    sheet.write_text("not really a workbook", encoding="utf-8")
    with pytest.raises(InputProblem, match="cannot tell what kind of file data.xlsx is"):
        choose_reader(sheet, "auto", None)


def test_every_source_name_has_a_reader() -> None:
    assert all(choose_reader(SAMPLES / "chat-export.csv", source, None) for source in SOURCES)
