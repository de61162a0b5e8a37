"""The Celery runner: the API sends job ids over Redis, ``cspersona jobs worker`` runs them.

Celery carries only the job id; parameters, outcome and result live in the ``jobs`` table and
live progress in Redis beside the queue, so no Celery result backend is needed.
"""

import json
import logging
from functools import lru_cache
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from cspersona.config import Settings, get_settings
from cspersona.db.engine import make_engine, writer_session_factory
from cspersona.exceptions import ConfigError, Unavailable
from cspersona.jobs import registry
from cspersona.jobs.execution import run_job
from cspersona.jobs.progress import LiveProgress

try:
    import redis
    from celery import Celery
    from kombu.exceptions import OperationalError as BrokerError
except ImportError:  # pragma: no cover - exercised only without the extra
    Celery = None

logger = logging.getLogger(__name__)

TASK_NAME = "cspersona.run_job"
PROGRESS_TTL_SECONDS = 24 * 3600


def _require_celery() -> None:
    if Celery is None:
        raise ConfigError(
            "CSPERSONA_JOB_RUNNER=celery needs Celery: pip install 'cspersona[celery]'"
        )


def broker_address(settings: Settings) -> str:
    """The broker URL without its password, for messages."""
    return make_url(settings.celery_broker_url).render_as_string(hide_password=True)


class RedisBoard:
    """Live progress in Redis, next to the queue: workers post, the API reads."""

    def __init__(self, settings: Settings) -> None:
        """Use the broker's Redis, with keys under the queue's name."""
        self._redis = redis.Redis.from_url(settings.celery_broker_url, socket_timeout=2)
        self._prefix = f"{settings.job_queue}:progress:"

    def post(self, job_id: int, progress: LiveProgress) -> None:
        """Record the job's latest progress; a Redis hiccup only loses this report."""
        value = json.dumps({"fraction": progress.fraction, "message": progress.message})
        try:
            self._redis.set(self._prefix + str(job_id), value, ex=PROGRESS_TTL_SECONDS)
        except redis.RedisError as error:
            logger.debug("progress of job %s not posted: %s", job_id, error)

    def read(self, job_id: int) -> LiveProgress | None:
        """The job's latest progress, or None (also when Redis cannot be reached)."""
        try:
            value = self._redis.get(self._prefix + str(job_id))
        except redis.RedisError:
            return None
        return None if value is None else LiveProgress(**json.loads(value))

    def clear(self, job_id: int) -> None:
        """Forget the job."""
        try:
            self._redis.delete(self._prefix + str(job_id))
        except redis.RedisError as error:
            logger.debug("progress of job %s not cleared: %s", job_id, error)


@lru_cache(maxsize=1)
def _worker_session_factory() -> sessionmaker[Session]:
    """One engine per worker process, on the database the worker's settings name."""
    return writer_session_factory(make_engine(get_settings().sqlalchemy_url))


@lru_cache(maxsize=1)
def _worker_board() -> RedisBoard:
    return RedisBoard(get_settings())


def run_job_task(job_id: int) -> None:
    """The Celery task: run one job in this worker process."""
    run_job(job_id, session_factory=_worker_session_factory(), board=_worker_board())


def make_celery(settings: Settings) -> Any:
    """A Celery app on the settings' broker and queue, with the one task that runs jobs."""
    _require_celery()
    app = Celery("cspersona", broker=settings.celery_broker_url, set_as_current=False)
    app.conf.update(
        task_default_queue=settings.job_queue,
        task_ignore_result=True,
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=True,
        # Publishing retries once, quickly: a request must not hang while Redis is down.
        broker_transport_options={"max_retries": 1, "interval_start": 0, "interval_step": 0.2},
        accept_content=["json"],
        task_serializer="json",
    )
    app.task(name=TASK_NAME)(run_job_task)
    return app


class CeleryRunner:
    """Sends each job to the Celery queue; a worker anywhere with the same settings runs it."""

    name = "celery"

    def __init__(self, settings: Settings) -> None:
        """Connect lazily to the broker the settings name."""
        self._settings = settings
        self._app = make_celery(settings)
        self._board = RedisBoard(settings)

    def submit(self, job_id: int) -> None:
        """Publish the job id once; :class:`Unavailable` if the broker cannot be reached."""
        try:
            self._app.send_task(
                TASK_NAME, args=[job_id], queue=self._settings.job_queue, retry=False
            )
        except BrokerError as error:
            raise Unavailable(
                f"cannot reach the job broker at {broker_address(self._settings)} ({error}); "
                "is Redis running, and is CSPERSONA_CELERY_BROKER_URL right?"
            ) from None

    def live_progress(self, job_id: int) -> LiveProgress | None:
        """What a worker last posted for the job."""
        return self._board.read(job_id)

    def shutdown(self) -> None:
        """Release the broker connections."""
        self._app.close()


def run_worker(settings: Settings, *, concurrency: int, pool: str) -> None:
    """Run a Celery worker for the settings' queue in this process until it is stopped."""
    registry.discover(settings.job_modules)
    app = make_celery(settings)
    logger.info("job kinds: %s", ", ".join(registry.registry.names()) or "none")
    app.worker_main(
        [
            "worker",
            f"--queues={settings.job_queue}",
            f"--concurrency={concurrency}",
            f"--pool={pool}",
            f"--loglevel={settings.log_level}",
            "--without-gossip",
            "--without-mingle",
        ]
    )
