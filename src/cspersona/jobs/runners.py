"""Where jobs run: a worker thread inside the API process (default) or Celery workers."""

import logging
import queue
import threading
from typing import Protocol

from sqlalchemy import Engine

from cspersona.config import Settings
from cspersona.db.engine import writer_session_factory
from cspersona.jobs.execution import run_job
from cspersona.jobs.progress import FileBoard, LiveProgress, MemoryBoard, ProgressBoard

logger = logging.getLogger(__name__)


class JobRunner(Protocol):
    """Something that runs queued jobs, given their ids, and knows how far they are."""

    name: str

    def submit(self, job_id: int) -> None:
        """Arrange for the queued job to run soon; raise :class:`Unavailable` if it cannot."""

    def live_progress(self, job_id: int) -> LiveProgress | None:
        """What the running job last reported, if anything."""

    def shutdown(self) -> None:
        """Stop taking jobs (without waiting for the running ones)."""


class InlineRunner:
    """Runs jobs one after another on daemon threads of the current process.

    Daemon threads let the server stop at once; a job cut short stays ``running`` until the next
    start marks it failed (see :func:`cspersona.jobs.service.fail_interrupted`).
    """

    name = "inline"

    def __init__(
        self, engine: Engine, *, threads: int = 1, board: ProgressBoard | None = None
    ) -> None:
        """Run jobs on ``engine`` with up to ``threads`` threads, posting progress to ``board``."""
        self._session_factory = writer_session_factory(engine)
        self._thread_count = threads
        self._board = board or MemoryBoard()
        self._queue: queue.Queue[int | None] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def submit(self, job_id: int) -> None:
        """Queue the job; threads start on the first submission."""
        with self._lock:
            if not self._threads:
                self._threads = [
                    threading.Thread(target=self._work, name=f"cspersona-job-{index}", daemon=True)
                    for index in range(self._thread_count)
                ]
                for thread in self._threads:
                    thread.start()
        self._queue.put(job_id)

    def live_progress(self, job_id: int) -> LiveProgress | None:
        """What the job last reported while running on one of these threads."""
        return self._board.read(job_id)

    def shutdown(self) -> None:
        """Tell each thread to stop after its current job."""
        with self._lock:
            for _thread in self._threads:
                self._queue.put(None)
            self._threads = []

    def _work(self) -> None:
        while (job_id := self._queue.get()) is not None:
            try:
                run_job(job_id, session_factory=self._session_factory, board=self._board)
            except Exception:  # already logged by background_task; keep the thread alive
                logger.error("job %s could not be run to its end", job_id)


def build_runner(settings: Settings, engine: Engine, *, one_of_many: bool = False) -> JobRunner:
    """The runner the settings name (``CSPERSONA_JOB_RUNNER``).

    ``one_of_many``: the server runs several worker processes, so an inline job's progress goes
    where each of them can read it.
    """
    if settings.job_runner == "celery":
        from cspersona.jobs.celery_runner import CeleryRunner

        return CeleryRunner(settings)
    board = FileBoard(settings.data_dir / "jobs" / "progress") if one_of_many else None
    return InlineRunner(engine, threads=settings.job_threads, board=board)
