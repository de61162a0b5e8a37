"""``cspersona generate``: write a synthetic customer world to files, to the database, or both."""

import json
import time
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.table import Table

from cspersona.config import get_settings
from cspersona.console.database import open_database
from cspersona.console.output import console, progress_bar
from cspersona.exceptions import BadInput

if TYPE_CHECKING:
    from cspersona.synth.service import GenerationSummary, Sink
    from cspersona.synth.world import World

# The world and its writers load NumPy and the phrase banks: the command imports them when it
# runs, so that `cspersona --help` starts fast.

DEFAULT_SEED = 7


def generate_command(
    seed: int = typer.Option(DEFAULT_SEED, help="Random seed; the same seed gives the same bytes."),
    scale: float = typer.Option(
        1.0, help="Multiplies the volume: customers and conversations of every archetype."
    ),
    out: Annotated[
        Path | None,
        typer.Option(
            help="Dataset folder to write; default <data_dir>/world unless --into-db is given."
        ),
    ] = None,
    file_format: str = typer.Option(
        "jsonl", "--format", help="File format of the dataset: jsonl or csv."
    ),
    into_db: bool = typer.Option(False, "--into-db", help="Load the world into the database."),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Replace a dataset that --out already holds."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    drift: float = typer.Option(
        0.0,
        help="Share of customers (0-1) who change habits once, as if a new champion took over; "
        "truth/customers.jsonl records when and to which archetype.",
    ),
) -> None:
    """Generate a synthetic B2B SaaS customer world with its ground truth.

    Five archetypes of customers with tickets, email threads, chats, NPS answers, daily usage,
    renewals, expansions and churn. Files follow docs/data-format.md; truth/ holds the ground
    truth for evaluation.

    Example: cspersona generate --seed 7 --scale 1 --out data/world --format jsonl
    """
    from cspersona.synth.files import FileSink
    from cspersona.synth.loader import DatabaseSink

    if file_format not in ("jsonl", "csv"):
        raise BadInput(f"--format must be jsonl or csv, not {file_format!r}")
    fmt: Literal["jsonl", "csv"] = "csv" if file_format == "csv" else "jsonl"
    folder = out if out is not None or into_db else get_settings().data_dir / "world"
    world = _world(seed, scale, drift)
    started = time.perf_counter()
    with ExitStack() as stack:
        sinks: list[Sink] = []
        if folder is not None:
            sinks.append(
                stack.enter_context(
                    FileSink(folder, file_format=fmt, overwrite=overwrite, world=world)
                )
            )
        if into_db:
            engine = open_database()
            stack.callback(engine.dispose)
            sinks.append(stack.enter_context(DatabaseSink(engine)))
        summary = _run(world, sinks)
    seconds = round(time.perf_counter() - started, 2)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "seed": seed,
                    "scale": scale,
                    "out": str(folder) if folder else None,
                    "format": fmt if folder else None,
                    "into_db": into_db,
                    "rows": summary.rows,
                    "archetypes": summary.archetypes,
                    "seconds": seconds,
                }
            )
        )
        return
    _print_summary(summary, folder=folder, into_db=into_db, seconds=seconds)


def _world(seed: int, scale: float, drift: float) -> "World":
    from cspersona.catalogue.models import load_catalogue
    from cspersona.synth.world import World

    catalogue = load_catalogue(get_settings().catalogue_path)
    return World(seed=seed, scale=scale, catalogue=catalogue, drift_share=drift)


def _run(world: "World", sinks: "list[Sink]") -> "GenerationSummary":
    """Generate with a progress bar on stderr (hidden when stderr is not a terminal)."""
    from cspersona.synth.service import generate

    with progress_bar("generating customers") as update:
        return generate(world=world, sinks=sinks, on_progress=update)


def _print_summary(
    summary: "GenerationSummary", *, folder: Path | None, into_db: bool, seconds: float
) -> None:
    table = Table(title=f"world of seed {summary.seed} at scale {summary.scale:g}")
    table.add_column("entity")
    table.add_column("rows", justify="right")
    for entity, count in summary.rows.items():
        table.add_row(entity, f"{count:,}")
    console.print(table)
    places = [str(folder)] if folder else []
    places += ["the database"] if into_db else []
    archetypes = ", ".join(f"{name} {count}" for name, count in summary.archetypes.items())
    console.print(f"customers per archetype: {archetypes}")
    console.print(f"written to {' and '.join(places)} in {seconds:g} s")
