"""``cspersona playbooks ...`` and ``cspersona tasks ...``.

The command line is an operator's tool: it sees every book, and acts as the ``cli`` user.
"""

from datetime import date

import typer

from cspersona.auth.models import Role
from cspersona.auth.policy import Principal
from cspersona.console.database import database_session
from cspersona.console.errors import DomainErrorGroup
from cspersona.console.output import print_rows

OPERATOR = Principal(user_id=0, user_name="cli", role=Role.ADMIN, csm_owner=None, key_id=0)

playbooks_app = typer.Typer(
    cls=DomainErrorGroup,
    help="Playbooks: what to do about customers who enter them, step by step.",
    no_args_is_help=True,
)
tasks_app = typer.Typer(
    cls=DomainErrorGroup,
    help="Tasks that playbooks create: the CSM's work queue.",
    no_args_is_help=True,
)


@playbooks_app.command("list")
def list_playbooks(as_json: bool = typer.Option(False, "--json", help="Print JSON lines.")) -> None:
    """List playbooks: what starts each, its steps, and how many customers are in it now.

    Example: cspersona playbooks list --json
    """
    from cspersona.playbooks import service
    from cspersona.playbooks.schemas import PlaybookSummary

    with database_session() as db_session:
        counts = service.customers_in(db_session=db_session)
        rows = [
            PlaybookSummary.of(playbook, customers_in=counts.get(playbook.id, 0))
            for playbook in service.get_all(db_session=db_session)
        ]
    columns = {
        "id": lambda row: str(row.id),
        "name": lambda row: row.name,
        "status": lambda row: row.status.value,
        "starts when": lambda row: row.trigger,
        "steps": lambda row: str(row.steps),
        "held back": lambda row: f"{row.control_share:.0%}",
        "customers in": lambda row: str(row.customers_in),
    }
    print_rows(rows, as_json=as_json, columns=columns)


@tasks_app.command("list")
def list_tasks(
    owner: str | None = typer.Option(None, help="Only tasks this user owns."),
    playbook: int | None = typer.Option(None, help="Only tasks of this playbook id."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON lines."),
) -> None:
    """List open and snoozed tasks, soonest due first, riskiest customer first on a day.

    Example: cspersona tasks list --owner dana
    """
    from cspersona.playbooks.queue import queue
    from cspersona.playbooks.schemas import TaskRead

    today = date.today()
    with database_session() as db_session:
        rows = [
            TaskRead.of(row, today=today)
            for row in queue(db_session, visible_to=OPERATOR, owner=owner, playbook_id=playbook)
        ]
    columns = {
        "id": lambda row: str(row.id),
        "due": lambda row: row.due_on.isoformat() + (" (overdue)" if row.overdue else ""),
        "customer": lambda row: row.company_name,
        "risk": lambda row: row.risk_tier or "not scored",
        "task": lambda row: row.title,
        "playbook": lambda row: row.playbook_name,
        "owner": lambda row: row.owner,
        "status": lambda row: row.status.value,
    }
    print_rows(rows, as_json=as_json, columns=columns)


def sentence(words: str) -> str:
    """``words`` as a sentence: capital first letter, full stop."""
    return words[:1].upper() + words[1:] + "."


@playbooks_app.command("run")
def run_playbooks() -> None:
    """Enter customers on new trigger events, apply exit criteria and escalate overdue tasks now.

    Example: cspersona playbooks run
    """
    from cspersona.db.types import utc_now
    from cspersona.playbooks.escalation import escalate
    from cspersona.playbooks.triggers import run_triggers

    at = utc_now()
    with database_session() as db_session:
        triggered = run_triggers(db_session, at=at)
        escalated = escalate(db_session, at=at)
    typer.echo(sentence(triggered.words()))
    for name, count in sorted(triggered.by_playbook.items()):
        typer.echo(f"  {name}: {count} entered")
    typer.echo(sentence(escalated.words()))


@playbooks_app.command("dry-run")
def dry_run_playbooks(
    days: int = typer.Option(180, min=1, max=3650, help="How many days of history to replay."),
    playbook: int | None = typer.Option(None, help="Only this playbook id (any status)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON lines."),
) -> None:
    """Replay past days: who would have entered which playbook, in which arm, with which tasks.

    The replay ends now, or at the latest data when that is older; nothing is written.
    Example: cspersona playbooks dry-run --days 90 --playbook 2
    """
    from cspersona.playbooks import service
    from cspersona.playbooks.dry_run import dry_run, replay_end
    from cspersona.playbooks.schemas import DryRunRow, PlannedTaskRead

    with database_session() as db_session:
        if playbook is not None:
            service.get(db_session=db_session, playbook_id=playbook)
        report = dry_run(db_session, at=replay_end(db_session), days=days, playbook_id=playbook)
    rows = [
        DryRunRow(
            entered_on=entry.entered_on,
            customer_id=entry.customer_id,
            company_name=entry.company_name,
            playbook_id=entry.playbook_id,
            playbook_name=entry.playbook_name,
            arm=entry.arm,
            reason=entry.reason,
            detail=entry.detail,
            tasks=[
                PlannedTaskRead(title=task.title, owner=task.owner, due_on=task.due_on)
                for task in entry.tasks
            ],
        )
        for entry in report.entries
    ]
    columns = {
        "date": lambda row: row.entered_on.isoformat(),
        "customer": lambda row: row.company_name,
        "playbook": lambda row: row.playbook_name,
        "arm": lambda row: row.arm.replace("_", " "),
        "why": lambda row: row.detail,
        "tasks": lambda row: (
            "\n".join(f"due {t.due_on}: {t.title} ({t.owner})" for t in row.tasks)
            or "none: held back"
        ),
    }
    print_rows(rows, as_json=as_json, columns=columns)
    if not as_json:
        typer.echo(sentence(report.words()) + " Nothing was written.")


@tasks_app.command("escalations")
def list_escalations(
    limit: int = typer.Option(100, min=1, max=10_000, help="How many, newest first."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON lines."),
) -> None:
    """List escalations, newest first: which task, to whom, and why.

    Example: cspersona tasks escalations --json
    """
    from cspersona.playbooks.escalation import recent
    from cspersona.playbooks.schemas import EscalationRead

    with database_session() as db_session:
        rows = [
            EscalationRead(
                id=escalation.id,
                task_id=task.id,
                task_title=task.title,
                company_name=company,
                playbook_name=task.playbook.name,
                level=escalation.level,
                target=escalation.target,
                reason=escalation.reason,
                detail=escalation.detail,
                escalated_at=escalation.escalated_at,
            )
            for escalation, task, company in recent(db_session, limit=limit)
        ]
    columns = {
        "when": lambda row: f"{row.escalated_at:%Y-%m-%d %H:%M}",
        "level": lambda row: str(row.level),
        "to": lambda row: row.target,
        "why": lambda row: row.detail,
    }
    print_rows(rows, as_json=as_json, columns=columns)
