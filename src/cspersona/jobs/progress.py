"""Live job progress: what a running job last reported, kept outside the database.

Writing progress to the job's row from a second connection while the job's own transaction is
open fails on SQLite (the job's later writes then meet a newer snapshot), so a running job posts
progress to a board its runner provides: memory for the inline runner, files under ``data_dir``
when the server runs several worker processes (a poll may reach any of them), Redis for Celery.
The last report is written to the row with the job's final status.
"""

import contextlib
import json
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

MESSAGE_LENGTH = 255


@dataclass(frozen=True)
class LiveProgress:
    """How far a job is, from 0 to 1, and what it said it was doing."""

    fraction: float
    message: str | None = None


class ProgressBoard(Protocol):
    """Where running jobs post progress and readers find it."""

    def post(self, job_id: int, progress: LiveProgress) -> None:
        """Record the job's latest progress (best effort: never raises)."""

    def read(self, job_id: int) -> LiveProgress | None:
        """The job's latest progress, or None if it has posted none."""

    def clear(self, job_id: int) -> None:
        """Forget the job (it has finished and its row holds the last report)."""


class MemoryBoard:
    """A board in this process's memory: for jobs running on the API's own threads."""

    def __init__(self) -> None:
        """Start empty."""
        self._progress: dict[int, LiveProgress] = {}
        self._lock = threading.Lock()

    def post(self, job_id: int, progress: LiveProgress) -> None:
        """Record the job's latest progress."""
        with self._lock:
            self._progress[job_id] = progress

    def read(self, job_id: int) -> LiveProgress | None:
        """The job's latest progress, or None."""
        with self._lock:
            return self._progress.get(job_id)

    def clear(self, job_id: int) -> None:
        """Forget the job."""
        with self._lock:
            self._progress.pop(job_id, None)


class FileBoard:
    """A board of one small JSON file per running job, shared by the server's worker processes."""

    def __init__(self, folder: Path) -> None:
        """Keep progress files in ``folder`` (created on the first post)."""
        self._folder = folder

    def post(self, job_id: int, progress: LiveProgress) -> None:
        """Replace the job's file at once (write aside, then rename), so readers never see half."""
        try:
            self._folder.mkdir(parents=True, exist_ok=True)
            handle, written = tempfile.mkstemp(dir=self._folder, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump({"fraction": progress.fraction, "message": progress.message}, file)
            os.replace(written, self._path(job_id))
        except OSError:
            return  # best effort: a job never fails for want of a progress report

    def read(self, job_id: int) -> LiveProgress | None:
        """The job's latest progress, or None."""
        try:
            stored = json.loads(self._path(job_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return LiveProgress(fraction=float(stored["fraction"]), message=stored["message"])

    def clear(self, job_id: int) -> None:
        """Forget the job (best effort too: a stale file is only read while the job runs)."""
        with contextlib.suppress(OSError):
            self._path(job_id).unlink(missing_ok=True)

    def _path(self, job_id: int) -> Path:
        return self._folder / f"{job_id}.json"


class JobProgress:
    """The ``progress(fraction, message)`` callable a job function receives.

    Clamps the fraction to 0–1, keeps the previous message when none is given, and remembers the
    latest report so the runner can store it with the final status.
    """

    def __init__(self, board: ProgressBoard, job_id: int) -> None:
        """Report for ``job_id`` on ``board``."""
        self._board = board
        self._job_id = job_id
        self.latest = LiveProgress(fraction=0.0)

    def __call__(self, fraction: float, message: str | None = None) -> None:
        """Record that the job is ``fraction`` done, optionally saying what it is doing."""
        self.latest = LiveProgress(
            fraction=min(max(fraction, 0.0), 1.0),
            message=message[:MESSAGE_LENGTH] if message is not None else self.latest.message,
        )
        self._board.post(self._job_id, self.latest)
