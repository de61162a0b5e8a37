import json
import shutil
from pathlib import Path

import pytest

from cspersona.ingest.readers.base import ReadOptions
from cspersona.ingest.readers.dataset import DatasetReader, is_dataset
from cspersona.ingest.records import Entity, InputProblem

WORLD = Path(__file__).resolve().parents[2] / "ingest" / "data" / "world"


def test_entity_files_are_read_in_reference_order_and_truth_is_never_read() -> None:
    records = list(DatasetReader().read(WORLD, ReadOptions()))

    entities = [record.entity for record in records]
    assert entities == sorted(entities, key=list(Entity).index)
    assert len(records) == 3 + 3 + 4 + 9 + 2 + 4 + 1
    assert not any("truth" in record.location for record in records)


def test_a_folder_without_manifest_is_read_by_file_names(tmp_path: Path) -> None:
    shutil.copy(WORLD / "customers.jsonl", tmp_path / "customers.jsonl")
    (tmp_path / "notes.txt").write_text("not data", encoding="utf-8")

    assert is_dataset(tmp_path)
    records = list(DatasetReader().read(tmp_path, ReadOptions()))
    assert {record.entity for record in records} == {Entity.CUSTOMERS}


DATASET = {"format": "cspersona-dataset", "version": 1, "files": {}}


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        (DATASET | {"format": "other"}, 'does not say "format": "cspersona-dataset"'),
        (DATASET | {"version": 9}, "is version 9; this cspersona reads version 1"),
        (
            DATASET | {"files": {"customers": {"path": "gone.csv"}}},
            "lists gone.csv, which is missing",
        ),
    ],
)
def test_bad_manifests_are_refused(
    tmp_path: Path, manifest: dict[str, object], message: str
) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    with pytest.raises(InputProblem, match=message):
        list(DatasetReader().read(tmp_path, ReadOptions()))
