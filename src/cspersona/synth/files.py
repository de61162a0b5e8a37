"""Writes a world as a dataset folder (docs/data-format.md): JSONL or CSV files, manifest, truth.

The folder is written next to its destination under a ``.partial`` name and moved into place
only when complete, so a failed run never leaves half a dataset where ``ingest`` would find it,
and never destroys the folder it was asked to replace.
"""

import csv
import json
import shutil
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Literal, Self

import orjson

from cspersona import __version__
from cspersona.exceptions import BadInput
from cspersona.synth.records import (
    DATA_COLUMNS,
    INTERVENTION_COLUMNS,
    INTERVENTIONS,
    TRUTH_COLUMNS,
)
from cspersona.synth.world import CustomerBundle, World

Format = Literal["jsonl", "csv"]
MANIFEST = "manifest.json"
DATASET_FORMAT = "cspersona-dataset"
FORMAT_VERSION = 1
TRUTH_DIR = "truth"


def _json_line(row: dict[str, Any]) -> bytes:
    """One JSONL line, UTF-8; datetimes as ISO 8601 with their offset, days as YYYY-MM-DD."""
    return orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE)


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def check_destination(folder: Path, *, overwrite: bool) -> None:
    """Refuse a destination that holds anything but a dataset we may replace."""
    if folder.exists() and not folder.is_dir():
        raise BadInput(f"--out {folder} is a file, not a folder")
    if not folder.exists() or not any(folder.iterdir()):
        return
    if not is_generated_dataset(folder):
        raise BadInput(
            f"--out {folder} is not empty and holds no generated dataset; choose an empty folder"
        )
    if not overwrite:
        raise BadInput(f"--out {folder} already holds a dataset; pass --overwrite to replace it")


def is_generated_dataset(folder: Path) -> bool:
    """Whether ``folder`` holds a dataset this generator wrote (its manifest says so)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(manifest, dict)
        and manifest.get("format") == DATASET_FORMAT
        and str(manifest.get("generator", "")).startswith("cspersona generate")
    )


class FileSink:
    """Writes customer bundles to a dataset folder as they come, one open file per entity."""

    def __init__(
        self,
        folder: Path,
        *,
        file_format: Format,
        overwrite: bool,
        world: World,
    ) -> None:
        """Check the destination now, so a bad ``--out`` fails before any work is done."""
        check_destination(folder, overwrite=overwrite)
        self.folder = folder
        self.partial = folder.with_name(folder.name + ".partial")
        self.file_format = file_format
        self.programmes = [programme.model_dump() for programme in world.spec.programmes]
        self.manifest: dict[str, Any] = {
            "format": DATASET_FORMAT,
            "version": FORMAT_VERSION,
            "generator": f"cspersona generate {__version__}",
            "seed": world.seed,
            "scale": world.scale,
            "window_start": world.window_start.isoformat(),
            "window_end": world.window_end.isoformat(),
            "files": {},
            "truth": {},
        }
        self._jsonl: dict[str, IO[bytes]] = {}
        self._csv: dict[str, tuple[IO[str], Any, tuple[str, ...]]] = {}
        self._truth: dict[str, IO[bytes]] = {}
        self.rows: dict[str, int] = dict.fromkeys(DATA_COLUMNS, 0)
        self.log_rows = 0
        self.truth_rows: dict[str, int] = dict.fromkeys(TRUTH_COLUMNS, 0)

    def __enter__(self) -> Self:
        """Create the partial folder and open every file."""
        if self.partial.exists():
            shutil.rmtree(self.partial)
        (self.partial / TRUTH_DIR).mkdir(parents=True)
        for entity, columns in DATA_COLUMNS.items():
            if self.file_format == "csv":
                self._open_csv(entity, columns)
            else:
                self._jsonl[entity] = self._path(entity).open("wb")
        self._open_csv(INTERVENTIONS, INTERVENTION_COLUMNS)
        for entity in TRUTH_COLUMNS:
            self._truth[entity] = (self.partial / TRUTH_DIR / f"{entity}.jsonl").open("wb")
        self._truth["programmes"].writelines(_json_line(row) for row in self.programmes)
        self.truth_rows["programmes"] = len(self.programmes)
        return self

    def _path(self, entity: str) -> Path:
        """Where ``entity`` goes: the CSMs' log is always CSV, the rest in the chosen format."""
        suffix = "csv" if entity == INTERVENTIONS else self.file_format
        return self.partial / f"{entity}.{suffix}"

    def _write_csv(self, entity: str, rows: list[dict[str, Any]]) -> None:
        _, writer, columns = self._csv[entity]
        writer.writerows([_csv_cell(row[column]) for column in columns] for row in rows)

    def _open_csv(self, entity: str, columns: tuple[str, ...]) -> None:
        handle = self._path(entity).open("w", encoding="utf-8", newline="")
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        self._csv[entity] = (handle, writer, columns)

    def write(self, bundle: CustomerBundle) -> None:
        """Append one customer's rows."""
        for entity, rows in bundle.data.items():
            if entity in self._csv:
                self._write_csv(entity, rows)
            else:
                self._jsonl[entity].writelines(_json_line(row) for row in rows)
            self.rows[entity] += len(rows)
        self._write_csv(INTERVENTIONS, bundle.interventions)
        self.log_rows += len(bundle.interventions)
        for entity, rows in bundle.truth.items():
            self._truth[entity].writelines(_json_line(row) for row in rows)
            self.truth_rows[entity] += len(rows)

    def __exit__(
        self,
        error_type: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Finish the manifest and move the folder into place, or discard it on failure."""
        handles: list[IO[Any]] = [handle for handle, _, _ in self._csv.values()]
        for handle in [*handles, *self._jsonl.values(), *self._truth.values()]:
            handle.close()
        if error_type is not None:
            shutil.rmtree(self.partial, ignore_errors=True)
            return
        for entity, count in self.rows.items():
            self.manifest["files"][entity] = {
                "path": self._path(entity).name,
                "rows": count,
            }
        # Not an entity `ingest` reads as data: listed apart, like the truth.
        self.manifest[INTERVENTIONS] = {
            "path": self._path(INTERVENTIONS).name,
            "rows": self.log_rows,
        }
        for entity, count in self.truth_rows.items():
            self.manifest["truth"][entity] = {"path": f"{TRUTH_DIR}/{entity}.jsonl", "rows": count}
        (self.partial / MANIFEST).write_text(
            json.dumps(self.manifest, indent=2) + "\n", encoding="utf-8"
        )
        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.partial.rename(self.folder)
