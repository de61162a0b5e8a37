"""What commands print: one console, rows as JSON lines or a table, progress bars on stderr."""

import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TypeVar

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

console = Console()

RowT = TypeVar("RowT", bound=BaseModel)
ProgressUpdate = Callable[[int, int | None], None]


def print_rows(
    rows: Sequence[RowT], *, as_json: bool, columns: Mapping[str, Callable[[RowT], str]]
) -> None:
    """Print models as JSON lines, or as a table with a column per entry of ``columns``."""
    if as_json:
        for row in rows:
            typer.echo(row.model_dump_json())
        return
    table = Table(*columns)
    for row in rows:
        table.add_row(*(cell(row) for cell in columns.values()))
    console.print(table)


@contextmanager
def progress_bar(label: str, *, in_bytes: bool = False) -> Iterator[ProgressUpdate]:
    """A bar on stderr while the block runs; yields ``update(done, total)`` for the work to call.

    It is transient and hidden when stderr is not a terminal, so piped output stays clean.
    ``in_bytes`` shows sizes, speed and time left (for reading files) instead of counts.
    """
    columns: tuple[ProgressColumn, ...] = (
        (DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn())
        if in_bytes
        else (MofNCompleteColumn(), TimeElapsedColumn())
    )
    with Progress(
        TextColumn(label),
        BarColumn(),
        *columns,
        console=Console(stderr=True),
        transient=True,
        disable=not sys.stderr.isatty(),
    ) as progress:
        task = progress.add_task(label, total=None)
        yield lambda done, total: progress.update(task, completed=done, total=total)
