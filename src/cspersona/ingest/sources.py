"""Opening input files as text: encoding and BOM detection, binary refusal, byte counting.

UTF-8 is checked over the whole file (a Latin-1 byte on the last line must not end an import
half way); a byte-order mark names UTF-8, UTF-16 or UTF-32; UTF-16 without a mark shows as a
zero in every other byte; anything else is decoded as charset-normalizer judges it, with
Windows-1252 for the Western single-byte family it cannot tell apart.
"""

import codecs
import io
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import charset_normalizer

from cspersona.ingest.records import InputProblem

SAMPLE_BYTES = 64 * 1024
CHUNK_BYTES = 1024 * 1024
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
BINARY_SIGNATURES = (
    (b"PK\x03\x04", "a ZIP archive (an .xlsx workbook is one)"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (.xls or .doc)"),
    (b"SQLite format 3", "a SQLite database"),
)
WESTERN_SINGLE_BYTE = {
    "ascii", "utf_8", "cp1250", "cp1252", "latin_1", "iso8859_15", "iso8859_2", "mac_roman"
}  # fmt: skip
CONTROL_BYTES = bytes(set(range(32)) - {9, 10, 12, 13})


class ByteCounter(io.RawIOBase):
    """A readable binary stream that reports each chunk it reads (for progress bars)."""

    def __init__(self, raw: io.RawIOBase, on_read: Callable[[int], None] | None) -> None:
        """Wrap ``raw``; ``on_read`` receives the byte count of every read."""
        self._raw = raw
        self._on_read = on_read

    def readable(self) -> bool:
        """Always: this wraps a file opened for reading."""
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        """Fill ``buffer`` from the file and report how much was read."""
        count = self._raw.readinto(buffer)
        if count and self._on_read is not None:
            self._on_read(count)
        return count or 0

    def close(self) -> None:
        """Close the wrapped file too."""
        self._raw.close()
        super().close()


def detect_encoding(path: Path) -> str:
    """The encoding to read ``path`` with, or an :class:`InputProblem` if it is not text."""
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    if not head.strip(b" \t\r\n" + codecs.BOM_UTF8):
        raise InputProblem(f"{path.name} is empty: there is nothing to import")
    for bom, encoding in BOMS:
        if head.startswith(bom):
            return encoding
    zeros_even, zeros_odd = head[0::2].count(0), head[1::2].count(0)
    if zeros_odd > len(head) // 4 and zeros_even == 0:
        return "utf-16-le"
    if zeros_even > len(head) // 4 and zeros_odd == 0:
        return "utf-16-be"
    _refuse_binary(path.name, head)
    if _is_utf8(path):
        return "utf-8"
    best = charset_normalizer.from_bytes(head).best()
    if best is None:
        raise InputProblem(
            f"{path.name} is not text in any encoding cspersona recognises; "
            "save it as UTF-8 or name its encoding"
        )
    # The sample may be plain ASCII while a later byte is not: Western single-byte then.
    return "cp1252" if best.encoding in WESTERN_SINGLE_BYTE else best.encoding


def _refuse_binary(name: str, head: bytes) -> None:
    for signature, kind in BINARY_SIGNATURES:
        if head.startswith(signature):
            raise InputProblem(f"{name} is {kind}, not text: export it as CSV, JSON or text")
    controls = sum(head.count(byte) for byte in CONTROL_BYTES)
    if b"\x00" in head or controls > len(head) // 100:
        raise InputProblem(
            f"{name} is binary data, not text ({controls} control bytes in its first "
            f"{len(head)}): export it as CSV, JSON or text"
        )


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(CHUNK_BYTES):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def open_text(
    path: Path,
    *,
    encoding: str | None = None,
    newline: str | None = None,
    on_read: Callable[[int], None] | None = None,
) -> TextIO:
    """Open ``path`` as text in its detected (or the given) encoding, counting bytes read."""
    if encoding is None:
        encoding = detect_encoding(path)
    else:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputProblem(f"{encoding!r} is not an encoding Python knows") from None
    raw = io.BufferedReader(ByteCounter(io.FileIO(path, "r"), on_read))
    return io.TextIOWrapper(raw, encoding=encoding, newline=newline)


def read_text(
    path: Path, *, encoding: str | None = None, on_read: Callable[[int], None] | None = None
) -> str:
    """The whole file as text (for formats read in one piece: JSON documents, transcripts)."""
    with open_text(path, encoding=encoding, on_read=on_read) as handle:
        try:
            return handle.read()
        except UnicodeDecodeError as error:
            raise InputProblem(decode_problem(path, handle.encoding, error)) from None


def decode_problem(path: Path, encoding: str, error: UnicodeDecodeError) -> str:
    """A one-line, actionable message for bytes that do not decode."""
    return (
        f"{path.name} is not valid {encoding} (byte 0x{error.object[error.start]:02x} cannot be "
        "decoded); save it as UTF-8 or give its encoding (e.g. `encoding: latin-1` in a mapping)"
    )
