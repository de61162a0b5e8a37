"""``cspersona ingest`` and ``cspersona quarantine``: import data, and see what was refused."""

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from cspersona.config import get_settings
from cspersona.console.database import open_database
from cspersona.console.output import console, progress_bar
from cspersona.db.engine import make_session_factory
from cspersona.exceptions import NotFound
from cspersona.ingest.models import IngestionRun, QuarantinedRecord
from cspersona.ingest.readers.detect import SOURCES
from cspersona.ingest.schemas import IngestionRunRead, QuarantineRead
from cspersona.spreadsheets import write_csv

SHOWN_REASONS = 10
COUNT_COLUMNS = ("received", "loaded", "duplicates", "quarantined")
QUARANTINE_COLUMNS = ("entity", "kind", "source", "row_ref", "reason", "raw")
# The import service loads the readers, deduplication and PII workers (NumPy): commands import
# it when they run, so that `cspersona --help` starts fast.


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to import.")],
    source: Annotated[
        str, typer.Option(help=f"{', '.join(SOURCES)}; auto looks at file names and content.")
    ] = "auto",
    mapping: Annotated[
        Path | None, typer.Option(help="Column-mapping YAML for a layout cspersona does not know.")
    ] = None,
    customer: Annotated[
        str | None,
        typer.Option(help="Customer external id for inputs that name none (text, transcripts)."),
    ] = None,
    agent: Annotated[
        list[str] | None,
        typer.Option("--agent", help="A transcript speaker on your side; repeat for several."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run as JSON.")] = False,
) -> None:
    """Import customer data: datasets, CSV/JSON, text, transcripts, helpdesk and CRM exports.

    Every record is loaded, counted as a duplicate or quarantined with a reason; the summary
    shows received = loaded + duplicates + quarantined per entity.

    Example: cspersona ingest data/world
    """
    from cspersona.ingest import service

    engine = open_database()
    with (
        progress_bar("importing", in_bytes=True) as update,
        make_session_factory(engine)() as db_session,
    ):
        run = service.run_import(
            db_session=db_session,
            settings=get_settings(),
            paths=paths,
            source=source,
            mapping_path=mapping,
            customer=customer,
            agents=agent or [],
            on_progress=update,
        )
        reasons, _ = service.get_quarantined(
            db_session=db_session, run_id=run.id, limit=SHOWN_REASONS
        )
        shown = [QuarantineRead.model_validate(record) for record in reasons]
    engine.dispose()
    if as_json:
        typer.echo(IngestionRunRead.model_validate(run).model_dump_json())
    else:
        _print_run(run, shown)
    for problem in run.summary.get("problems", []):
        typer.echo(f"error: {problem}", err=True)
    if run.summary.get("problems"):
        raise typer.Exit(2)


def _print_run(run: IngestionRun, reasons: list[QuarantineRead]) -> None:
    table = Table(title=f"import {run.id}: {run.status}", title_justify="left")
    table.add_column("entity")
    for column in COUNT_COLUMNS:
        table.add_column(column, justify="right")
    for entity, counts in run.summary.get("entities", {}).items():
        table.add_row(entity, *(f"{counts[name]:,}" for name in COUNT_COLUMNS))
    console.print(table)
    for note in run.summary.get("notes", []):
        console.print(f"note: {note}")
    for record in reasons:
        console.print(f"{record.kind}: {record.row_ref}: {record.reason}", markup=False)
    if reasons:
        console.print(f"all refused records: cspersona quarantine {run.id}")


def quarantine(
    run_id: Annotated[int | None, typer.Argument(help="The import; default the latest.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="Records to show.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
    as_csv: Annotated[
        bool, typer.Option("--csv", help="Print CSV, safe to open in a spreadsheet.")
    ] = False,
) -> None:
    """Show the records an import refused (invalid or duplicate), with where they are and why.

    Example: cspersona quarantine 3 --csv > refused.csv
    """
    from cspersona.ingest import service

    engine = open_database()
    with make_session_factory(engine)() as db_session:
        if run_id is None:
            run_id = db_session.scalar(select(IngestionRun.id).order_by(IngestionRun.id.desc()))
            if run_id is None:
                raise NotFound("no import has run yet")
        service.get(db_session=db_session, run_id=run_id)
        records, total = service.get_quarantined(db_session=db_session, run_id=run_id, limit=limit)
        rows = [_quarantine_row(record) for record in records]
    engine.dispose()
    if as_csv:
        write_csv(
            sys.stdout,
            QUARANTINE_COLUMNS,
            [[row[name] for name in QUARANTINE_COLUMNS] for row in rows],
        )
    elif as_json:
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False))
    else:
        for row in rows:
            console.print(f"{row['kind']}: {row['row_ref']}: {row['reason']}", markup=False)
        console.print(f"{len(rows)} of {total} refused records of import {run_id}")


def _quarantine_row(record: QuarantinedRecord) -> dict[str, str]:
    return {
        "entity": record.entity,
        "kind": record.kind.value,
        "source": record.source,
        "row_ref": record.row_ref,
        "reason": record.reason,
        "raw": record.raw,
    }
