import codecs
import re
from pathlib import Path

import pytest

from cspersona.ingest.records import InputProblem
from cspersona.ingest.sources import detect_encoding, open_text, read_text

TEXT = "name,text\nRenée,Grüße aus München – déjà vu\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.replace("–", "-").encode("latin-1"), "cp1252"),
        (TEXT.encode("cp1252"), "cp1252"),
    ],
    ids=[
        "utf8",
        "utf8-bom",
        "utf16le-bom",
        "utf16be-bom",
        "utf16le",
        "utf16be",
        "latin1",
        "cp1252",
    ],
)
def test_encodings_are_detected_and_decode_the_text(
    tmp_path: Path, data: bytes, encoding: str
) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(data)

    assert detect_encoding(path) == encoding
    assert read_text(path).replace("–", "-") == TEXT.replace("–", "-")


def test_a_latin1_byte_far_into_a_utf8_looking_file_is_still_found(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"id,text\n" + b"1,plain ascii\n" * 20_000 + "2,café\n".encode("latin-1"))

    assert detect_encoding(path) == "cp1252"
    assert read_text(path).endswith("2,café\n")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty: there is nothing to import"),
        (b" \n\n \t", "is empty"),
        (codecs.BOM_UTF8, "is empty"),
        (b"PK\x03\x04" + bytes(200), "is a ZIP archive (an .xlsx workbook is one), not text"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "is a PNG image, not text"),
        (b"id,text\n1,\x00\x01\x02\x03 binary", "is binary data, not text"),
        (bytes(range(256)) * 4, "is binary data, not text"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(
    tmp_path: Path, data: bytes, message: str
) -> None:
    path = tmp_path / "input.csv"
    path.write_bytes(data)

    with pytest.raises(InputProblem, match=re.escape(message)):
        detect_encoding(path)


def test_reading_reports_every_byte_it_reads(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text(TEXT * 1000, encoding="utf-8")
    seen: list[int] = []

    with open_text(path, on_read=seen.append) as handle:
        handle.read()

    assert sum(seen) == path.stat().st_size


def test_a_named_encoding_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text(TEXT, encoding="utf-8")

    with pytest.raises(InputProblem, match="'klingon' is not an encoding Python knows"):
        open_text(path, encoding="klingon")


def test_a_wrong_named_encoding_gives_an_actionable_message(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_bytes("café".encode("latin-1"))

    with pytest.raises(InputProblem, match=r"is not valid utf-8 \(byte 0xe9 cannot be decoded\)"):
        read_text(path, encoding="utf-8")
