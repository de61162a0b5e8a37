import json

from sqlalchemy import Engine
from typer.testing import CliRunner

from cspersona.cli import app
from cspersona.db.engine import make_session_factory, session_scope
from cspersona.jobs.models import Job, JobStatus

runner = CliRunner()


def test_jobs_are_listed_and_shown(committed_engine: Engine) -> None:
    env = {"CSPERSONA_DATABASE_URL": committed_engine.url.render_as_string(hide_password=False)}
    with session_scope(make_session_factory(committed_engine)) as db_session:
        job = Job(
            kind="cli.sample",
            runner="inline",
            status=JobStatus.FAILED,
            error="the stage crashed",
            progress=0.4,
        )
        db_session.add(job)
        db_session.flush()
        job_id = job.id

    listed = runner.invoke(app, ["jobs", "list", "--kind", "cli.sample", "--json"], env=env)
    shown = runner.invoke(app, ["jobs", "show", str(job_id)], env=env)
    missing = runner.invoke(app, ["jobs", "show", "99999"], env=env)

    assert [json.loads(line)["id"] for line in listed.stdout.splitlines()] == [job_id]
    assert f"job {job_id} (cli.sample): failed, 40%" in shown.stdout
    assert "error: the stage crashed" in shown.stdout
    assert (missing.exit_code, missing.stderr) == (1, "error: job 99999 does not exist\n")
