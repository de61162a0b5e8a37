"""``cspersona playbooks run``, ``playbooks dry-run`` and ``tasks escalations`` on a database."""

import json
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from cspersona.cli import app
from cspersona.db.engine import make_engine, make_session_factory
from cspersona.db.types import utc_now
from tests.conftest import DatabaseFactory
from tests.factories import add_customer, add_playbook

runner = CliRunner()


@pytest.fixture
def env(database_factory: DatabaseFactory) -> dict[str, str]:
    """A migrated database with one customer renewing in 20 days and a renewal playbook."""
    url = database_factory.create()
    variables = {"CSPERSONA_DATABASE_URL": url}
    assert runner.invoke(app, ["db", "upgrade"], env=variables).exit_code == 0
    engine = make_engine(url)
    with make_session_factory(engine)() as db_session:
        fill(db_session)
        db_session.commit()
    engine.dispose()
    return variables


def fill(db_session: Session) -> None:
    add_customer(
        db_session, "Acme", csm_owner="Dana", renewal_date=utc_now().date() + timedelta(days=20)
    )
    add_playbook(
        db_session,
        "Renewal prep",
        trigger={"kind": "renewal_within", "days": 60},
        escalation={"levels": [{"after_days": 0, "target": "user:lead"}]},
        control_share=0.0,
    )


def test_dry_run_shows_who_would_enter_and_writes_nothing(env: dict[str, str]) -> None:
    table = runner.invoke(app, ["playbooks", "dry-run"], env=env)
    lines = runner.invoke(app, ["playbooks", "dry-run", "--json"], env=env)
    after = runner.invoke(app, ["playbooks", "list", "--json"], env=env)

    assert table.exit_code == 0, table.output
    assert "Nothing was written." in table.stdout and "Acme" in table.stdout
    rows = [json.loads(line) for line in lines.stdout.splitlines()]
    assert [(row["company_name"], row["arm"], len(row["tasks"])) for row in rows] == [
        ("Acme", "treated", 2)
    ]
    assert json.loads(after.stdout)["customers_in"] == 0


def test_run_enters_and_escalates_then_lists_escalations(env: dict[str, str]) -> None:
    run = runner.invoke(app, ["playbooks", "run"], env=env)
    escalations = runner.invoke(app, ["tasks", "escalations", "--json"], env=env)

    assert run.exit_code == 0, run.output
    assert run.stdout.splitlines() == [
        "1 customer entered playbooks with 2 tasks.",
        "  Renewal prep: 1 entered",
        "1 overdue task escalated.",
    ]
    rows = [json.loads(line) for line in escalations.stdout.splitlines()]
    assert [(row["company_name"], row["level"], row["target"]) for row in rows] == [
        ("Acme", 1, "lead")
    ]


def test_dry_run_of_a_missing_playbook_is_a_one_line_error(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["playbooks", "dry-run", "--playbook", "999"], env=env)

    assert result.exit_code != 0
    assert result.output.strip() == "error: playbook 999 does not exist"
