"""The Celery runner for real: the local Redis as broker and a worker started by the test."""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import APIRouter, Depends, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from cspersona.api.app import create_app
from cspersona.auth.deps import get_principal
from cspersona.auth.models import Role
from cspersona.config import Settings, load_settings
from cspersona.db.engine import session_scope
from cspersona.jobs.router import add_job_route
from tests.conftest import add_user_with_key, bearer, wait_for_job
from tests.jobs import sample_kinds

redis = pytest.importorskip("redis", reason="the celery extra is not installed")

REDIS_URL = "redis://127.0.0.1:6379/0"
REPOSITORY = Path(__file__).resolve().parents[2]


def _redis_is_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _celery_settings(engine: Engine, queue: str, broker: str = REDIS_URL) -> Settings:
    return load_settings(
        database_url=engine.url.render_as_string(hide_password=False),
        job_runner="celery",
        celery_broker_url=broker,
        job_queue=queue,
    )


def _app_with_routes(settings: Settings) -> FastAPI:
    app = create_app(settings)
    router = APIRouter(prefix="/api/test-jobs", dependencies=[Depends(get_principal)])
    add_job_route(router, "/count", sample_kinds.count)
    add_job_route(router, "/refuse", sample_kinds.refuse)
    app.include_router(router)
    return app


def _analyst(app: FastAPI, session_factory: sessionmaker[Session]) -> TestClient:
    with session_scope(session_factory) as db_session:
        key = add_user_with_key(
            db_session, secret_key=app.state.settings.secret_key, role=Role.ANALYST
        )
    return TestClient(app, headers=bearer(key))


@pytest.fixture
def queue_name() -> Iterator[str]:
    """A queue of this test's own, removed from Redis afterwards."""
    if not _redis_is_up():
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: the Celery runner is not tested")
    name = f"cspersona-test-{uuid.uuid4().hex[:8]}"
    yield name
    connection = redis.Redis.from_url(REDIS_URL)
    connection.delete(name, *connection.keys(f"{name}:*"))


@pytest.fixture
def worker(
    committed_engine: Engine, queue_name: str, tmp_path: Path
) -> Iterator[Callable[[], str]]:
    """``cspersona jobs worker`` in a subprocess on the test's queue and database."""
    env = {
        **os.environ,
        "CSPERSONA_DATABASE_URL": committed_engine.url.render_as_string(hide_password=False),
        "CSPERSONA_JOB_RUNNER": "celery",
        "CSPERSONA_CELERY_BROKER_URL": REDIS_URL,
        "CSPERSONA_JOB_QUEUE": queue_name,
        "CSPERSONA_JOB_MODULES": '["tests.jobs.sample_kinds"]',
        "PYTHONPATH": str(REPOSITORY),
    }
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "cspersona", "jobs", "worker", "--pool", "solo"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    yield log.read_text
    process.terminate()
    process.wait(timeout=20)


def test_a_celery_worker_runs_queued_jobs_and_records_outcomes(
    committed_engine: Engine,
    session_factory: sessionmaker[Session],
    queue_name: str,
    worker: Callable[[], str],
) -> None:
    app = _app_with_routes(_celery_settings(committed_engine, queue_name))
    analyst = _analyst(app, session_factory)

    counted = analyst.post("/api/test-jobs/count", json={"to": 3, "marker": "celery"})
    refused = analyst.post("/api/test-jobs/refuse")

    assert counted.status_code == refused.status_code == 202
    assert counted.json()["runner"] == "celery"
    done = wait_for_job(analyst, counted.json()["id"], timeout=60)
    assert done["status"] == "succeeded", worker()
    assert done["result"] == {"counted": 3, "squares": [1, 4, 9]}
    assert done["message"] == "halfway to 3"
    failed = wait_for_job(analyst, refused.json()["id"], timeout=60)
    assert failed["error"] == "there is nothing to build personas from yet"
    app.state.job_runner.shutdown()


def test_an_unreachable_broker_fails_the_job_and_answers_503(
    committed_engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    settings = _celery_settings(committed_engine, "unused", broker="redis://127.0.0.1:1/0")
    app = _app_with_routes(settings)
    analyst = _analyst(app, session_factory)
    started = time.monotonic()

    response = analyst.post("/api/test-jobs/count", json={"to": 1})

    assert time.monotonic() - started < 3, "publishing must fail fast"
    assert response.status_code == 503
    assert response.json()["detail"].startswith(
        "cannot reach the job broker at redis://127.0.0.1:1/0"
    )
    failed = analyst.get("/api/jobs", params={"limit": 1}).json()["items"][0]
    assert (failed["status"], failed["error"]) == ("failed", response.json()["detail"])
