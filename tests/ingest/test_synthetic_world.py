"""The synthetic world (``cspersona generate``) ingests completely, and a second time not at all."""

import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from cspersona.cli import app
from cspersona.config import load_settings
from cspersona.ingest import service

runner = CliRunner()


@pytest.mark.parametrize("file_format", ["jsonl", "csv"])
def test_a_generated_world_loads_every_row_and_a_second_run_loads_none(
    db_session: Session, tmp_path: Path, file_format: str
) -> None:
    world = tmp_path / "world"
    generated = runner.invoke(
        app,
        [
            "generate",
            "--seed",
            "3",
            "--scale",
            "0.05",
            "--out",
            str(world),
            "--format",
            file_format,
        ],
    )
    assert generated.exit_code == 0, generated.output
    rows = {
        name: entry["rows"]
        for name, entry in json.loads((world / "manifest.json").read_text())["files"].items()
    }
    settings = load_settings(ingest_workers=1)

    first = service.run_import(db_session=db_session, settings=settings, paths=[world])
    second = service.run_import(db_session=db_session, settings=settings, paths=[world])

    assert first.summary["problems"] == []
    assert {name: counts["received"] for name, counts in first.summary["entities"].items()} == rows
    assert {name: counts["loaded"] for name, counts in first.summary["entities"].items()} == rows
    assert {
        name: counts["duplicates"] for name, counts in second.summary["entities"].items()
    } == rows
