from pathlib import Path

import pytest

from cspersona.jobs.progress import FileBoard, JobProgress, LiveProgress, MemoryBoard


@pytest.mark.parametrize(("reported", "stored"), [(-0.5, 0.0), (0.25, 0.25), (7.0, 1.0)])
def test_fractions_are_clamped(reported: float, stored: float) -> None:
    board = MemoryBoard()

    JobProgress(board, 1)(reported)

    assert board.read(1) == LiveProgress(fraction=stored)


def test_a_report_without_a_message_keeps_the_last_one_and_long_ones_are_cut() -> None:
    board = MemoryBoard()
    progress = JobProgress(board, 7)

    progress(0.2, "x" * 400)
    progress(0.6)

    assert progress.latest == LiveProgress(fraction=0.6, message="x" * 255)
    assert board.read(7) == progress.latest
    assert board.read(8) is None


def test_clearing_forgets_only_that_job() -> None:
    board = MemoryBoard()
    board.post(1, LiveProgress(0.5))
    board.post(2, LiveProgress(0.7))

    board.clear(1)
    board.clear(3)

    assert (board.read(1), board.read(2)) == (None, LiveProgress(0.7))


def test_a_file_board_is_read_by_another_board_on_the_same_folder(tmp_path: Path) -> None:
    writer, reader = FileBoard(tmp_path / "progress"), FileBoard(tmp_path / "progress")

    before = reader.read(3)
    writer.post(3, LiveProgress(0.25, "clustering"))
    writer.post(3, LiveProgress(0.5, "profiling"))
    during = reader.read(3)
    writer.clear(3)

    assert before is None
    assert during == LiveProgress(0.5, "profiling")
    assert reader.read(3) is None
    assert list((tmp_path / "progress").iterdir()) == []


def test_a_file_board_reads_a_damaged_file_as_no_progress(tmp_path: Path) -> None:
    board = FileBoard(tmp_path)
    (tmp_path / "4.json").write_text("{not json", encoding="utf-8")

    assert board.read(4) is None
