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


@playbooks_app.command("generate")
def generate_playbooks(
    persona: list[int] | None = typer.Option(
        None, "--persona", help="Only this persona id (repeat for more); default: every one."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON lines."),
) -> None:
    """Generate each active persona's playbooks from its evidence; analysts' edits are kept.

    Example: cspersona playbooks generate --persona 3 --persona 5
    """
    from cspersona.config import get_settings
    from cspersona.llm.factory import client_from_settings
    from cspersona.playbooks.generation import generate

    settings = get_settings()
    with database_session() as db_session:
        report = generate(
            db_session,
            by=OPERATOR.user_name,
            persona_ids=persona or None,
            llm=client_from_settings(settings, db_session=db_session),
            settings=settings,
        )
    columns = {
        "id": lambda row: str(row.playbook_id or ""),
        "playbook (persona: purpose)": lambda row: row.name,
        "action": lambda row: row.action,
        "written by": lambda row: row.source,
        "evidence": lambda row: str(row.evidence),
        "note": lambda row: row.note,
    }
    print_rows(report.playbooks, as_json=as_json, columns=columns)


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
