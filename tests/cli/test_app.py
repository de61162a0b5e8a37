import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
import pytest
from typer.testing import CliRunner

from cspersona import __version__
from cspersona.auth import service as auth_service
from cspersona.cli import app
from cspersona.config import load_settings
from cspersona.db import migrate
from cspersona.db.engine import make_engine, make_session_factory, session_scope
from cspersona.jobs.models import Job, JobStatus
from tests.conftest import DatabaseFactory
from tests.support import all_command_paths

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])

    assert result.exit_code == 0
    assert result.stdout.strip() == f"cspersona {__version__}"


@pytest.mark.parametrize("command", all_command_paths(), ids=" ".join)
def test_every_command_has_help_with_an_example(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"], terminal_width=200)

    assert result.exit_code == 0
    assert "Example: cspersona " + command[0] in result.stdout


def test_importing_the_cli_leaves_the_heavy_libraries_out() -> None:
    """Commands import their services when they run, so every command and --help start fast."""
    heavy = ("pandas", "sklearn", "scipy", "numpy", "fastapi", "uvicorn")
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys, cspersona.cli; print(*(m for m in {heavy!r} if m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )

    assert loaded.stdout.split() == []


def test_db_upgrade_then_current_reports_head(database_factory: DatabaseFactory) -> None:
    env = {"CSPERSONA_DATABASE_URL": database_factory.create()}

    upgraded = runner.invoke(app, ["db", "upgrade"], env=env)
    current = runner.invoke(app, ["db", "current", "--json"], env=env)

    assert upgraded.exit_code == 0, upgraded.output
    state = json.loads(current.stdout)
    assert state["current"] == state["head"] == migrate.head_revision()


def test_db_downgrade_base_empties_the_schema(database_factory: DatabaseFactory) -> None:
    env = {"CSPERSONA_DATABASE_URL": database_factory.create()}
    runner.invoke(app, ["db", "upgrade"], env=env)

    result = runner.invoke(app, ["db", "downgrade", "base"], env=env)

    assert result.exit_code == 0
    assert (
        json.loads(runner.invoke(app, ["db", "current", "--json"], env=env).stdout)["current"]
        is None
    )


@pytest.mark.parametrize(
    ("database_url", "exit_code", "message"),
    [
        ("not-a-url", 2, "error: CSPERSONA_DATABASE_URL: 'not-a-url' is not a database URL"),
        ("postgresql://postgres@127.0.0.1:1/x", 1, "error: cannot reach the database at"),
    ],
)
def test_bad_database_settings_give_a_one_line_error(
    database_url: str, exit_code: int, message: str
) -> None:
    result = runner.invoke(app, ["db", "current"], env={"CSPERSONA_DATABASE_URL": database_url})

    assert result.exit_code == exit_code
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_serve_refuses_an_unmigrated_database(isolated_settings: Path) -> None:
    result = runner.invoke(app, ["serve"])

    assert result.exit_code == 1
    assert "has no schema yet; run `cspersona db upgrade`" in result.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _serving(
    arguments: list[str], env: dict[str, str], port: int, wait_seconds: float = 60
) -> Iterator[subprocess.Popen[str]]:
    """Run a serving command until ``/health`` answers; stop it afterwards."""
    server = subprocess.Popen(
        [sys.executable, "-m", "cspersona", *arguments],
        env={**env, "CSPERSONA_PORT": str(port)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                httpx2.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except httpx2.TransportError:
                assert server.poll() is None, "server exited before answering"
                assert time.monotonic() < deadline, f"no answer within {wait_seconds:g} s"
                time.sleep(0.2)
        yield server
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_answers_health_over_http(isolated_settings: Path) -> None:
    env = {**os.environ, "CSPERSONA_DATA_DIR": str(isolated_settings / "data")}
    subprocess.run(
        [sys.executable, "-m", "cspersona", "db", "upgrade"],
        env=env,
        check=True,
        capture_output=True,
    )
    port = _free_port()

    with _serving(["serve"], env, port):
        response = httpx2.get(f"http://127.0.0.1:{port}/health", timeout=5)

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_serve_with_two_workers_answers_from_both_and_fails_stranded_jobs_once(
    isolated_settings: Path,
) -> None:
    env = {**os.environ, "CSPERSONA_DATA_DIR": str(isolated_settings / "data")}
    settings = load_settings(data_dir=isolated_settings / "data")
    engine = make_engine(settings.sqlalchemy_url)
    migrate.upgrade(engine)
    with session_scope(make_session_factory(engine)) as db_session:
        stranded = Job(kind="tests.stranded", status=JobStatus.RUNNING, runner="inline")
        db_session.add(stranded)
    port = _free_port()

    with _serving(["serve", "--workers", "2"], env, port) as server:
        answers = [httpx2.get(f"http://127.0.0.1:{port}/health", timeout=5) for _ in range(4)]
        children = subprocess.run(
            ["pgrep", "-P", str(server.pid)], capture_output=True, text=True, check=False
        ).stdout.split()

    with make_session_factory(engine)() as db_session:
        job = db_session.get(Job, stranded.id)
    engine.dispose()
    assert [answer.status_code for answer in answers] == [200] * 4
    assert len(children) >= 2  # the two workers (and multiprocessing's resource tracker)
    assert job is not None and job.status == JobStatus.FAILED


def _demo_output(env: dict[str, str]) -> tuple[str, int]:
    """Run ``cspersona demo`` until it serves; its output before serving, and the port."""
    port = _free_port()
    # The demo runs every stage first: a minute on a loaded 2-core machine at this scale.
    with _serving(["demo", "--scale", "0.02"], env, port, wait_seconds=240) as server:
        server.terminate()
        output, _ = server.communicate(timeout=10)
    return output, port


def test_demo_prints_the_address_and_an_admin_key_on_its_first_run_only(
    isolated_settings: Path,
) -> None:
    env = {**os.environ, "CSPERSONA_DATA_DIR": str(isolated_settings / "data")}

    first, port = _demo_output(env)
    second, _ = _demo_output(env)

    keys = re.findall(r"^csp_\S+$", first, flags=re.MULTILINE)
    assert len(keys) == 1
    assert f"dashboard: http://127.0.0.1:{port}/" in first
    assert not re.search(r"^csp_", second, flags=re.MULTILINE)
    assert "cspersona keys create admin" in second
    settings = load_settings(data_dir=isolated_settings / "data")
    engine = make_engine(settings.sqlalchemy_url)
    with make_session_factory(engine)() as db_session:
        admin = auth_service.authenticate(
            db_session=db_session, key=keys[0], secret_key=settings.secret_key
        )
    engine.dispose()
    assert (admin.user_name, admin.role) == ("admin", "admin")
