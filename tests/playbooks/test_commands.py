"""``cspersona playbooks ...`` and ``cspersona tasks ...`` on a migrated database."""

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cspersona.cli import app
from cspersona.config import get_settings
from cspersona.customers.models import LifecycleEvent, LifecycleKind
from cspersona.db.engine import make_engine, make_session_factory, session_scope
from cspersona.playbooks.models import Arm, Enrolment
from tests.conftest import DatabaseFactory
from tests.factories import add_book

runner = CliRunner()

PLAYBOOK_YAML = """\
name: Save the renewal
objective: Keep customers whose renewal is near.
trigger: {kind: renewal_within, days: 60}
criteria:
  entry: [{field: arr, op: ge, value: 20000}]
reentry: {times: 1, days: 180}
control_share: 0
steps:
  - title: Write to the sponsor
    kind: email
    instructions: Offer two times for a call.
    templates:
      - channel: email
        subject: "{{ company }}: your renewal"
        body: |
          {{ greeting }}
          Your renewal is on {{ renewal_date }}.
          {{ sign_off }}
  - {title: Call the sponsor, kind: call, due_days: 5, owner: "role:analyst"}
escalation:
  levels: [{after_days: 2, target: "role:admin"}]
success: [{metric: churn_rate, target: 0.05, window_days: 90}]
evidence: [{source: history, text: "Calls before renewal went with fewer churns."}]
"""


@pytest.fixture
def book(database_factory: DatabaseFactory, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """A fresh migrated database holding the test book; customer ids by name."""
    monkeypatch.setenv("CSPERSONA_DATABASE_URL", database_factory.create())
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    engine = make_engine(get_settings().sqlalchemy_url)
    with session_scope(make_session_factory(engine)) as session:
        ids = {name: customer.id for name, customer in add_book(session).items()}
    engine.dispose()
    return ids


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args), terminal_width=200)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_empty_lists_say_what_to_do(book: dict[str, int]) -> None:
    assert "No playbooks yet: run cspersona playbooks generate" in _run("playbooks", "list")
    assert "No open or snoozed tasks" in _run("tasks", "list")


def test_a_playbook_from_yaml_is_shown_in_words(book: dict[str, int], tmp_path: Path) -> None:
    path = tmp_path / "playbook.yaml"
    path.write_text(PLAYBOOK_YAML)

    created = _run("playbooks", "create", "--file", str(path))
    shown = _run("playbooks", "show", "1")

    assert created.strip() == "Created playbook 1, “Save the renewal” (active)."
    for line in (
        "Save the renewal (id 1, active, written by hand; changed by cli on",
        "Starts when the renewal is 60 days away or less.",
        "Enters only when ARR is at least $20,000.",
        "Takes a customer at most once every 180 days.",
        "1. Day 0: E-mail, Write to the sponsor (by the customer's CSM)",
        "   Offer two times for a call.",
        "   Template for email, subject: {{ company }}: your renewal",
        "     | Your renewal is on {{ renewal_date }}.",
        "2. Day 5: Call, Call the sponsor (by the analyst with the fewest open tasks)",
        "Level 1: 2 days past the due date, to the admins.",
        "Target: churn rate 5% within 90 days of entry.",
        "- Calls before renewal went with fewer churns. (history)",
    ):
        assert line in shown
    assert json.loads(_run("playbooks", "show", "1", "--json"))["steps"][1]["owner"] == (
        "role:analyst"
    )


def test_bad_files_are_refused_in_one_line_naming_the_field(
    book: dict[str, int], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(PLAYBOOK_YAML.replace("kind: call", "kind: fax"))
    json_file = tmp_path / "bad.json"
    json_file.write_text('{"name": "X", "steps": [}')

    wrong_kind = runner.invoke(app, ["playbooks", "create", "--file", str(bad)])
    not_json = runner.invoke(app, ["playbooks", "create", "--file", str(json_file)])
    missing = runner.invoke(app, ["playbooks", "update", "1", "--file", str(tmp_path / "no.yaml")])

    assert wrong_kind.exit_code == not_json.exit_code == missing.exit_code == 2
    assert wrong_kind.output.startswith(f"error: {bad}: steps > 2 > kind: Input should be 'email'")
    assert len(wrong_kind.output.strip().splitlines()) == 1
    assert not_json.output.strip() == (f"error: {json_file}: not JSON, line 1: Expecting value")
    assert missing.output.startswith(f"error: cannot read {tmp_path / 'no.yaml'}")


def test_a_customer_enters_and_their_tasks_are_worked_from_the_command_line(
    book: dict[str, int], tmp_path: Path
) -> None:
    path = tmp_path / "playbook.yaml"
    path.write_text(PLAYBOOK_YAML)
    _run("playbooks", "create", "--file", str(path))
    acme = str(book["Acme Analytics"])

    entered = _run("playbooks", "enrol", "1", "--customer", acme, "--note", "asked for a call")
    listed = [json.loads(line) for line in _run("tasks", "list", "--json").splitlines()]
    shown = _run("tasks", "show", "1")
    skipped_without_note = runner.invoke(app, ["tasks", "skip", "2"])
    until = date.today() + timedelta(days=3)
    snoozed = _run("tasks", "snooze", "2", "--until", until.isoformat())
    done = _run("tasks", "done", "1", "--note", "Sponsor replied")
    closed_twice = runner.invoke(app, ["tasks", "done", "1"])

    today = date.today()
    assert entered.strip() == (
        f"Acme Analytics entered “Save the renewal”: 2 tasks created, the first due "
        f"{today.day} {today:%B %Y} for Dana Scully."
    )
    assert [(task["company_name"], task["title"], task["owner"]) for task in listed] == [
        ("Acme Analytics", "Write to the sponsor", "Dana Scully"),
        ("Acme Analytics", "Call the sponsor", "unassigned"),  # no analyst user yet
    ]
    for line in (
        "Customer: Acme Analytics (id 1), churn risk not scored",
        "In “Save the renewal”: started by hand by cli: asked for a call.",
        "What to do: Offer two times for a call.",
        "E-mail to copy (formal, non-technical)",
        "Subject: Acme Analytics: your renewal",
        "Dear Acme Analytics team,\nYour renewal is on 1 March 2026.\nKind regards,",
    ):
        assert line in shown
    assert skipped_without_note.exit_code == 2  # --note is required
    assert snoozed.strip() == f"Task 2 snoozed until {until.day} {until:%B %Y}."
    assert done.strip() == "Task 1 marked done."
    assert closed_twice.exit_code == 1
    assert closed_twice.output.strip() == "error: task 1 is already done"
    retired = _run("playbooks", "retire", "1")
    assert retired.strip() == "Retired playbook 1, “Save the renewal”: it enters nobody new."
    refused = runner.invoke(app, ["playbooks", "enrol", "1", "--customer", acme])
    assert refused.output.strip().startswith("error: playbook “Save the renewal” is retired")


def test_the_experiment_reads_as_a_report(book: dict[str, int], tmp_path: Path) -> None:
    path = tmp_path / "playbook.yaml"
    path.write_text(PLAYBOOK_YAML)
    _run("playbooks", "create", "--file", str(path))

    report = _run("playbooks", "experiment", "1")
    as_json = json.loads(_run("playbooks", "experiment", "1", "--json", "--effect", "0.3"))

    assert "Save the renewal: 0% of the customers who enter are held back" in report
    assert "churn is read over 90 days after entry" in report
    assert "No difference to read yet" in report
    assert "Nobody is held back (control share 0%)" in report
    assert as_json["power"]["relative_reduction"] == 0.3
    assert as_json["recommendations"][0]["kind"] == "control_group"


def test_tracking_prints_a_line_and_a_table_per_criterion(
    book: dict[str, int], tmp_path: Path
) -> None:
    path = tmp_path / "playbook.yaml"
    path.write_text(PLAYBOOK_YAML)
    _run("playbooks", "create", "--file", str(path))
    before = _run("playbooks", "tracking", "1")
    entered = datetime(2025, 3, 10, tzinfo=UTC)
    engine = make_engine(get_settings().sqlalchemy_url)
    with session_scope(make_session_factory(engine)) as session:
        for name in ("Acme Analytics", "Delta Freight"):
            session.add(
                Enrolment(
                    playbook_id=1,
                    customer_id=book[name],
                    arm=Arm.TREATED,
                    assignment_draw=0.9,
                    reason="manual",
                    entered_at=entered,
                    last_triggered_at=entered,
                )
            )
        session.add(
            LifecycleEvent(
                customer_id=book["Acme Analytics"],
                kind=LifecycleKind.CHURNED,
                at=datetime(2025, 4, 20, tzinfo=UTC),
            )
        )
    engine.dispose()

    report = _run("playbooks", "tracking", "1", "--as-of", "2025-05-31")
    [series] = json.loads(_run("playbooks", "tracking", "1", "--as-of", "2025-05-31", "--json"))

    assert before.strip() == (
        "Churn rate: nothing to show yet; customers count from their first whole month in the "
        "playbook."
    )
    assert (
        "Churn rate among treated customers: 0% in May 2025 (1 customer) against a target of 5% "
        "within 90 days (1.7% a month)." in report
    )
    rows = [line.split("│")[1:-1] for line in report.splitlines() if line.startswith("│")]
    assert [[cell.strip() for cell in row] for row in rows] == [
        ["Mar 2025", "-", "0", "-", "0", "1.7%"],
        ["Apr 2025", "50%", "2", "-", "0", "1.7%"],
        ["May 2025", "0%", "1", "-", "0", "1.7%"],
    ]
    assert "target a month" in report
    assert series["monthly_target"] == pytest.approx(0.0172, abs=1e-4)
    assert [point["treated"] for point in series["points"]] == [
        {"value": None, "customers": 0},
        {"value": 0.5, "customers": 2},
        {"value": 0.0, "customers": 1},
    ]
