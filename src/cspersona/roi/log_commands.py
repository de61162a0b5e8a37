"""``cspersona interventions ...``: the interventions log and what followed each entry.

The command line is an operator's tool: it sees every book and records as the ``cli`` user
(or the name given with ``--by``). It lives in ``roi`` because ``show`` and ``outcomes`` read
and compute outcomes, which the layer contract keeps above the log itself.
"""

from datetime import datetime
from pathlib import Path

import typer

from cspersona.auth.models import Role
from cspersona.auth.policy import Principal
from cspersona.console.database import database_session
from cspersona.console.errors import DomainErrorGroup
from cspersona.console.output import console, print_rows
from cspersona.interventions.models import InterventionKind

interventions_app = typer.Typer(
    cls=DomainErrorGroup,
    help=(
        "The interventions log: every action taken for a customer (playbook entries and tasks, "
        "actions logged by hand, imported past actions). Entries are never edited: a mistake "
        "is put right with `correct`, which records a new entry."
    ),
    no_args_is_help=True,
)
KIND_HELP = "What was done: " + ", ".join(kind.value for kind in InterventionKind) + "."


def _operator(name: str) -> Principal:
    return Principal(user_id=0, user_name=name, role=Role.ADMIN, csm_owner=None, key_id=0)


@interventions_app.command("list")
def list_interventions(
    customer_id: int | None = typer.Option(None, help="Only this customer (database id)."),
    playbook: str | None = typer.Option(None, help="Only this playbook (its name)."),
    kind: InterventionKind | None = typer.Option(None, help=KIND_HELP),
    since: datetime | None = typer.Option(None, help="Done on or after this day."),
    until: datetime | None = typer.Option(None, help="Done on or before this moment."),
    limit: int = typer.Option(50, min=1, max=500, help="Entries to show, newest first."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON lines."),
) -> None:
    """List logged actions, newest first; corrected entries say which entry replaces them.

    Example: cspersona interventions list --playbook "Save the renewal" --since 2025-01-01
    """
    from sqlalchemy import select

    from cspersona.customers.models import Customer
    from cspersona.interventions import log
    from cspersona.interventions.words import ARM_WORDS, KIND_WORDS
    from cspersona.roi.log_schemas import InterventionRead

    with database_session() as db_session:
        found = log.entries(
            db_session,
            visible_to=_operator("cli"),
            where=log.LogFilter(customer_id, playbook, kind, since, until),
            limit=limit,
        )
        rows = [InterventionRead.of(e, found.corrected_by.get(e.id)) for e in found.entries]
        names = dict(
            db_session.execute(
                select(Customer.id, Customer.company_name).where(
                    Customer.id.in_({row.customer_id for row in rows})
                )
            )
            .tuples()
            .all()
        )
    print_rows(
        rows,
        as_json=as_json,
        columns={
            "id": lambda row: str(row.id),
            "customer": lambda row: f"{names.get(row.customer_id, '')} ({row.customer_id})",
            "done": lambda row: f"{row.performed_at:%Y-%m-%d %H:%M}",
            "kind": lambda row: KIND_WORDS[row.kind],
            "by": lambda row: row.performed_by,
            "playbook": lambda row: row.playbook or "",
            "arm": lambda row: ARM_WORDS[row.arm] if row.arm else "",
            "corrected by": lambda row: str(row.corrected_by or ""),
        },
    )
    if not as_json:
        console.print(f"{found.total:,} entries match; newest {len(rows):,} shown")


@interventions_app.command("show")
def show_intervention(
    intervention_id: int = typer.Argument(..., help="The entry's id."),
) -> None:
    """Print one entry with its correction chain and its outcomes per window, as JSON.

    Example: cspersona interventions show 41
    """
    from cspersona.interventions import service
    from cspersona.roi.log_detail import entry_detail

    with database_session() as db_session:
        detail = entry_detail(db_session, service.get(db_session, intervention_id))
    typer.echo(detail.model_dump_json(indent=2))


def _record(
    *,
    customer_id: int,
    kind: InterventionKind,
    performed_at: datetime | None,
    hours: float | None,
    note: str,
    playbook: str | None,
    by: str,
    corrects: int | None = None,
) -> None:
    from cspersona.interventions import log
    from cspersona.interventions.models import InterventionSource

    operator = _operator(by)
    with database_session() as db_session:
        original = (
            log.visible_entry(db_session, corrects, visible_to=operator) if corrects else None
        )
        entry = log.record_action(
            db_session,
            by=operator,
            action=log.Action(customer_id, kind, performed_at, hours, note, playbook),
            source=InterventionSource.CLI,
            corrects=original,
        )
        console.print(
            f"Recorded entry {entry.id}" + (f", correcting {corrects}" if corrects else "")
        )


@interventions_app.command("record")
def record_intervention(
    customer_id: int = typer.Option(..., help="The customer (database id)."),
    kind: InterventionKind = typer.Option(..., help=KIND_HELP),
    performed_at: datetime | None = typer.Option(None, help="When it was done (default now)."),
    hours: float | None = typer.Option(None, min=0, max=1000, help="CSM time it took."),
    note: str = typer.Option("", help="What was done and how it went."),
    playbook: str | None = typer.Option(None, help="The playbook it was part of (its name)."),
    by: str = typer.Option("cli", help="Who did it."),
) -> None:
    """Log an action done for a customer, outside any experiment.

    Example: cspersona interventions record --customer-id 12 --kind call --hours 0.5
    --note "Walked through the renewal"
    """
    _record(
        customer_id=customer_id,
        kind=kind,
        performed_at=performed_at,
        hours=hours,
        note=note,
        playbook=playbook,
        by=by,
    )


@interventions_app.command("correct")
def correct_intervention(
    intervention_id: int = typer.Argument(..., help="The entry to correct."),
    customer_id: int = typer.Option(..., help="The customer (the same as the entry's)."),
    kind: InterventionKind = typer.Option(..., help=KIND_HELP),
    performed_at: datetime | None = typer.Option(None, help="When it was done (default now)."),
    hours: float | None = typer.Option(None, min=0, max=1000, help="CSM time it took."),
    note: str = typer.Option("", help="What was done and how it went."),
    playbook: str | None = typer.Option(None, help="The playbook it was part of (its name)."),
    by: str = typer.Option("cli", help="Who did it."),
) -> None:
    """Record a new entry that replaces a wrong one; the wrong one stays, marked corrected.

    Example: cspersona interventions correct 41 --customer-id 12 --kind meeting
    """
    _record(
        customer_id=customer_id,
        kind=kind,
        performed_at=performed_at,
        hours=hours,
        note=note,
        playbook=playbook,
        by=by,
        corrects=intervention_id,
    )


@interventions_app.command("import")
def import_interventions(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="A CSV of past actions."),
    by: str = typer.Option("cli", help="Who is importing (recorded on every entry)."),
) -> None:
    """Import past actions from a CSV; importing the same file again adds nothing.

    Bad rows are listed with their line and why; the others are recorded together.
    Columns: intervention_id, customer_id (the customer's external id), kind, performed_by,
    performed_at, playbook, arm (treated, held_back or empty), hours, note.

    Example: cspersona interventions import past-actions.csv
    """
    from cspersona.interventions.importer import import_rows, read_csv

    with database_session() as db_session:
        report = import_rows(db_session, read_csv(file), recorded_by=by)
    for problem in report.problems:
        console.print(f"line {problem.line}: {problem.reason}")
    console.print(report.words())


@interventions_app.command("outcomes")
def refresh() -> None:
    """Compute what followed each entry over 30, 60 and 90 days (the pipeline's last stage).

    Windows the data has not reached yet are recomputed on each run; complete ones are final.

    Example: cspersona interventions outcomes
    """
    from cspersona.customers.status import data_as_of
    from cspersona.roi.outcomes import refresh_outcomes

    with database_session() as db_session:
        result = refresh_outcomes(db_session, today=data_as_of(db_session))
    console.print(result.words())
