import json
import re

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cspersona.api.app import create_app
from cspersona.cli import app
from cspersona.config import load_settings
from tests.conftest import DatabaseFactory, bearer

runner = CliRunner()


@pytest.fixture(scope="module")
def env(database_factory: DatabaseFactory) -> dict[str, str]:
    """Environment for commands on a migrated database shared by this module's tests."""
    variables = {"CSPERSONA_DATABASE_URL": database_factory.create()}
    assert runner.invoke(app, ["db", "upgrade"], env=variables).exit_code == 0
    return variables


def _json(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_a_user_and_key_made_on_the_command_line_work_on_the_api(env: dict[str, str]) -> None:
    created = runner.invoke(
        app, ["users", "create", "dana", "--role", "csm", "--csm-owner", "Dana Scully"], env=env
    )
    key_output = runner.invoke(app, ["keys", "create", "dana", "--label", "laptop"], env=env)

    assert created.exit_code == 0, created.output
    assert re.search(
        r"created user \d+ 'dana' with role csm, owns customers of 'Dana Scully'", created.stdout
    )
    assert key_output.exit_code == 0, key_output.output
    key = key_output.stdout.strip().splitlines()[-1]
    assert key.startswith("csp_")
    api = create_app(load_settings(database_url=env["CSPERSONA_DATABASE_URL"]))
    with TestClient(api, headers=bearer(key)) as client:
        me = client.get("/api/me").json()
    assert (me["user_name"], me["role"], me["csm_owner"]) == ("dana", "csm", "Dana Scully")


def test_keys_are_listed_without_the_key_and_revoked(env: dict[str, str]) -> None:
    runner.invoke(app, ["users", "create", "ops", "--role", "analyst"], env=env)
    created = json.loads(runner.invoke(app, ["keys", "create", "ops", "--json"], env=env).stdout)

    listed = _json(runner.invoke(app, ["keys", "list", "--user", "ops", "--json"], env=env).stdout)
    revoked = runner.invoke(app, ["keys", "revoke", str(created["id"])], env=env)
    after = _json(runner.invoke(app, ["keys", "list", "--json"], env=env).stdout)

    assert [item["prefix"] for item in listed] == [created["prefix"]]
    assert all("key" not in item for item in listed)
    assert created["key"] not in runner.invoke(app, ["keys", "list"], env=env).stdout
    assert revoked.exit_code == 0 and f"API key {created['id']} is revoked" in revoked.stdout
    assert [item["revoked_at"] is not None for item in after if item["id"] == created["id"]] == [
        True
    ]


def test_users_are_listed(env: dict[str, str]) -> None:
    runner.invoke(app, ["users", "create", "vic", "--role", "viewer"], env=env)

    users = _json(runner.invoke(app, ["users", "list", "--json"], env=env).stdout)

    assert ("vic", "viewer") in [(user["name"], user["role"]) for user in users]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["users", "create", "x", "--role", "csm"], "error: a csm user needs --csm-owner"),
        (
            ["users", "create", "x", "--role", "viewer", "--csm-owner", "Y"],
            "error: only csm users own customers; drop --csm-owner for role viewer",
        ),
        (["users", "create", "bad name", "--role", "viewer"], "error: name: String should match"),
        (["keys", "create", "nobody"], "error: user 'nobody' does not exist"),
        (["keys", "revoke", "999"], "error: API key 999 does not exist"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2_or_1(
    env: dict[str, str], arguments: list[str], message: str
) -> None:
    result = runner.invoke(app, arguments, env=env)

    assert result.exit_code in {1, 2}
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
