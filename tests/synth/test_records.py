"""docs/data-format.md is the contract with ingestion: the files have exactly its columns."""

import re
from pathlib import Path

import pytest

from cspersona.synth.records import DATA_COLUMNS, INTERVENTION_COLUMNS, TRUTH_COLUMNS

DATA_FORMAT = Path(__file__).resolve().parents[2] / "docs" / "data-format.md"


def documented_columns(name: str) -> tuple[str, ...]:
    """The column list of the table row whose first cell is `name`."""
    for line in DATA_FORMAT.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0] == f"`{name}`":
            without_notes = re.sub(r"\([^)]*\)", "", cells[1])
            return tuple(column.strip(" *") for column in without_notes.split(","))
    raise AssertionError(f"{name} is not documented in {DATA_FORMAT.name}")


@pytest.mark.parametrize("entity", list(DATA_COLUMNS))
def test_dataset_files_have_the_documented_columns(entity: str) -> None:
    assert documented_columns(entity) == DATA_COLUMNS[entity]


@pytest.mark.parametrize("entity", list(TRUTH_COLUMNS))
def test_truth_files_have_the_documented_columns(entity: str) -> None:
    assert documented_columns(f"truth/{entity}.jsonl") == TRUTH_COLUMNS[entity]


def test_the_interventions_log_has_the_documented_columns() -> None:
    assert documented_columns("interventions") == INTERVENTION_COLUMNS
