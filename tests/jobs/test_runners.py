import time
from collections.abc import Callable

from sqlalchemy import Engine

from cspersona.config import load_settings
from cspersona.jobs.celery_runner import CeleryRunner
from cspersona.jobs.models import Job, JobStatus
from cspersona.jobs.runners import InlineRunner, build_runner
from tests.jobs import sample_kinds

assert sample_kinds  # registers the tests.* job kinds


def wait_until_finished(load_job: Callable[[int], Job], job_id: int, timeout: float = 20) -> Job:
    """Poll a job until it succeeded or failed."""
    deadline = time.monotonic() + timeout
    while (job := load_job(job_id)).status not in {JobStatus.SUCCEEDED, JobStatus.FAILED}:
        assert time.monotonic() < deadline, f"job {job_id} still {job.status} after {timeout} s"
        time.sleep(0.05)
    return job


def test_inline_runner_runs_jobs_on_its_threads(
    committed_engine: Engine, queue_job: Callable[..., int], load_job: Callable[[int], Job]
) -> None:
    runner = InlineRunner(committed_engine, threads=2)
    job_ids = [queue_job("tests.count", {"to": n}, runner="inline") for n in (1, 2, 3)]
    failing = queue_job("tests.fail", runner="inline")

    for job_id in [*job_ids, failing]:
        runner.submit(job_id)
    finished = [wait_until_finished(load_job, job_id) for job_id in job_ids]
    runner.shutdown()

    assert [job.result["counted"] for job in finished if job.result] == [1, 2, 3]
    assert wait_until_finished(load_job, failing).status is JobStatus.FAILED


def test_live_progress_shows_while_the_job_runs_and_the_last_report_stays(
    committed_engine: Engine, queue_job: Callable[..., int], load_job: Callable[[int], Job]
) -> None:
    runner = InlineRunner(committed_engine)
    job_id = queue_job("tests.gate", runner="inline")
    sample_kinds.GATE.clear()

    runner.submit(job_id)
    deadline = time.monotonic() + 10
    while (live := runner.live_progress(job_id)) is None:
        assert time.monotonic() < deadline, "the job never reported progress"
        time.sleep(0.02)
    running = load_job(job_id)
    sample_kinds.GATE.set()
    finished = wait_until_finished(load_job, job_id)
    runner.shutdown()

    assert (live.fraction, live.message) == (0.3, "waiting at the gate")
    assert running.status is JobStatus.RUNNING
    assert finished.result == {"gate_opened": True}
    assert (finished.progress, finished.message) == (1.0, "waiting at the gate")
    assert runner.live_progress(job_id) is None


def test_inline_runner_threads_stop_on_shutdown(
    committed_engine: Engine, queue_job: Callable[..., int]
) -> None:
    runner = InlineRunner(committed_engine, threads=1)
    runner.submit(queue_job("tests.count", {"to": 1}, runner="inline"))
    threads = list(runner._threads)

    runner.shutdown()
    for thread in threads:
        thread.join(timeout=10)

    assert not any(thread.is_alive() for thread in threads)


def test_settings_choose_the_runner(committed_engine: Engine) -> None:
    inline = build_runner(load_settings(job_threads=3), committed_engine)
    celery = build_runner(load_settings(job_runner="celery"), committed_engine)

    assert isinstance(inline, InlineRunner) and inline.name == "inline"
    assert isinstance(celery, CeleryRunner) and celery.name == "celery"
    celery.shutdown()
