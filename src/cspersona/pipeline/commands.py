"""``cspersona pipeline run``: every stage after ingestion, incrementally, with progress bars."""

from collections.abc import Sequence
from typing import TYPE_CHECKING

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.orm import Session

from cspersona.config import Settings, get_settings
from cspersona.console.database import database_session
from cspersona.console.errors import DomainErrorGroup
from cspersona.console.options import parse_as_of
from cspersona.console.output import console

if TYPE_CHECKING:
    # The stages import every service (pandas, scikit-learn): they load when a run starts.
    from cspersona.pipeline.stages import ProgressCallback, Stage, StageResult

app = typer.Typer(
    cls=DomainErrorGroup,
    help="Run the analysis pipeline over the database (NLP, analytics and later stages).",
    no_args_is_help=True,
)


@app.command("run")
def run(
    as_of: str | None = typer.Option(
        None, "--as-of", help="Snapshot date: later stages use only data before it (ISO date)."
    ),
) -> None:
    """Run every pipeline stage in order; each only processes what changed since its last run.

    Example: cspersona pipeline run --as-of 2025-06-01
    """
    moment = parse_as_of(as_of)
    settings = get_settings()
    if moment is not None:
        settings = settings.model_copy(update={"as_of": moment})
    with database_session() as db_session:
        run_with_progress(db_session=db_session, settings=settings)


def run_with_progress(
    *,
    db_session: Session,
    settings: Settings,
    stages: "Sequence[tuple[str, Stage]] | None" = None,
) -> "list[StageResult]":
    """Run ``stages`` (default: the pipeline's) with a progress bar each, then print a summary."""
    from cspersona.pipeline.stages import run_pipeline

    with Progress(
        TextColumn("{task.description:<12}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as bars:

        def progress_for(name: str) -> "ProgressCallback":
            task = bars.add_task(name, total=None)

            def report(done: int, total: int) -> None:
                bars.update(task, completed=done, total=total)

            return report

        results = run_pipeline(
            db_session=db_session, settings=settings, progress_for=progress_for, stages=stages
        )
    table = Table("stage", "processed", "seconds", "detail")
    for result in results:
        table.add_row(result.name, str(result.processed), f"{result.seconds:.1f}", result.detail)
    console.print(table)
    return results
