import pytest
from sqlalchemy.orm import Session

from cspersona.auth.models import Role
from cspersona.auth.policy import Principal
from cspersona.exceptions import Unavailable
from cspersona.jobs import service
from cspersona.jobs.models import Job, JobStatus
from cspersona.jobs.registry import NoParams
from tests.jobs import sample_kinds


class RecordingRunner:
    """A runner that only remembers what it was given (jobs then stay queued)."""

    name = "recording"

    def __init__(self, refuse: bool = False) -> None:
        self.submitted: list[int] = []
        self.refuse = refuse

    def submit(self, job_id: int) -> None:
        if self.refuse:
            raise Unavailable("cannot reach the job broker")
        self.submitted.append(job_id)

    def live_progress(self, job_id: int) -> None:
        return None

    def shutdown(self) -> None:
        pass


def _principal(role: Role, user_id: int) -> Principal:
    return Principal(user_id=user_id, user_name="x", role=role, csm_owner="o", key_id=1)


def test_submit_stores_a_queued_job_and_hands_it_to_the_runner(db_session: Session) -> None:
    runner = RecordingRunner()

    job = service.commit_and_submit(
        db_session=db_session,
        runner=runner,
        kind=sample_kinds.count,
        params=sample_kinds.CountParams(to=4),
    )

    assert runner.submitted == [job.id]
    stored = service.get(db_session=db_session, job_id=job.id)
    assert (stored.kind, stored.status, stored.runner) == ("tests.count", "queued", "recording")
    assert stored.params == {"to": 4, "marker": "tests.count"}


def test_a_job_the_runner_refuses_is_failed_and_the_error_raised(db_session: Session) -> None:
    with pytest.raises(Unavailable):
        service.commit_and_submit(
            db_session=db_session,
            runner=RecordingRunner(refuse=True),
            kind=sample_kinds.refuse,
            params=NoParams(),
        )

    (job,) = service.get_all(db_session=db_session, limit=5, offset=0, kind="tests.refuse")[0]
    assert job.status is JobStatus.FAILED
    assert job.error == "cannot reach the job broker"


def _add_jobs(db_session: Session, rows: list[tuple[str, JobStatus, str, int | None]]) -> None:
    db_session.add_all(
        Job(kind=kind, status=status, runner=runner, created_by_id=user)
        for kind, status, runner, user in rows
    )
    db_session.flush()


def test_interrupted_inline_jobs_are_failed_and_others_kept(db_session: Session) -> None:
    _add_jobs(
        db_session,
        [
            ("a", JobStatus.QUEUED, "inline", None),
            ("b", JobStatus.RUNNING, "inline", None),
            ("c", JobStatus.SUCCEEDED, "inline", None),
            ("d", JobStatus.RUNNING, "celery", None),
        ],
    )

    assert service.fail_interrupted(db_session=db_session, runner_name="inline") == 2
    assert service.fail_interrupted(db_session=db_session, runner_name="inline") == 0

    jobs, _total = service.get_all(db_session=db_session, limit=10, offset=0)
    by_kind = {job.kind: job for job in jobs}
    assert {kind: by_kind[kind].status for kind in "abcd"} == {
        "a": "failed",
        "b": "failed",
        "c": "succeeded",
        "d": "running",
    }
    assert by_kind["a"].error is not None and by_kind["a"].error.startswith("interrupted")


def test_lists_are_newest_first_filtered_and_scoped_to_what_a_csm_started(
    db_session: Session,
) -> None:
    _add_jobs(
        db_session,
        [
            ("x", JobStatus.SUCCEEDED, "inline", None),
            ("y", JobStatus.FAILED, "inline", None),
            ("x", JobStatus.FAILED, "inline", None),
        ],
    )
    newest_first, total = service.get_all(db_session=db_session, limit=10, offset=0)
    failed_x, _ = service.get_all(
        db_session=db_session, limit=10, offset=0, kind="x", status=JobStatus.FAILED
    )
    for_csm, csm_total = service.get_all(
        db_session=db_session, limit=10, offset=0, visible_to=_principal(Role.CSM, 424242)
    )

    assert total == 3
    assert [job.kind for job in newest_first] == ["x", "y", "x"]
    assert [(job.kind, job.status) for job in failed_x] == [("x", "failed")]
    assert (for_csm, csm_total) == ([], 0)
