"""The dataset folder: the documented layout, byte-identical for a seed, safe to (re)write."""

import csv
import json
from pathlib import Path

import pytest

from cspersona.catalogue.models import load_catalogue
from cspersona.exceptions import BadInput
from cspersona.synth.files import FileSink, Format
from cspersona.synth.records import DATA_COLUMNS, TRUTH_COLUMNS
from cspersona.synth.service import generate
from cspersona.synth.world import World

TINY = 0.05


def write_world(
    folder: Path, *, seed: int = 5, file_format: Format = "jsonl", overwrite: bool = False
) -> None:
    world = World(seed=seed, scale=TINY, catalogue=load_catalogue())
    with FileSink(folder, file_format=file_format, overwrite=overwrite, world=world) as sink:
        generate(world=world, sinks=[sink])


def contents(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.mark.parametrize("file_format", ["jsonl", "csv"])
def test_the_same_seed_gives_byte_identical_files(tmp_path: Path, file_format: Format) -> None:
    write_world(tmp_path / "first", file_format=file_format)
    write_world(tmp_path / "second", file_format=file_format)
    write_world(tmp_path / "other", seed=6, file_format=file_format)

    first = contents(tmp_path / "first")
    assert first == contents(tmp_path / "second")
    assert (
        first[f"messages.{file_format}"] != contents(tmp_path / "other")[f"messages.{file_format}"]
    )


def test_jsonl_files_have_the_documented_columns_and_the_manifest_counts_them(
    tmp_path: Path,
) -> None:
    write_world(tmp_path / "world")
    folder = tmp_path / "world"
    manifest = json.loads((folder / "manifest.json").read_text())

    assert manifest["format"] == "cspersona-dataset" and manifest["version"] == 1
    assert (manifest["seed"], manifest["scale"]) == (5, TINY)
    for entity, columns in DATA_COLUMNS.items():
        lines = (folder / manifest["files"][entity]["path"]).read_text().splitlines()
        assert len(lines) == manifest["files"][entity]["rows"] > 0
        assert all(tuple(json.loads(line)) == columns for line in lines)
    for entity, columns in TRUTH_COLUMNS.items():
        lines = (folder / manifest["truth"][entity]["path"]).read_text().splitlines()
        assert len(lines) == manifest["truth"][entity]["rows"]
        assert tuple(json.loads(lines[0])) == columns
    assert json.loads((folder / "messages.jsonl").read_text().splitlines()[0])["sent_at"].endswith(
        "+00:00"
    )


def test_csv_files_have_a_header_and_json_feature_adoption(tmp_path: Path) -> None:
    write_world(tmp_path / "world", file_format="csv")
    folder = tmp_path / "world"

    for entity, columns in DATA_COLUMNS.items():
        with (folder / f"{entity}.csv").open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            assert tuple(reader.fieldnames or ()) == columns
            first = next(reader)
        if entity == "usage_daily":
            assert isinstance(json.loads(first["feature_adoption"]), dict)
        if entity == "interactions":
            assert first["started_at"].endswith("+00:00")
    assert not any(folder.glob("*.jsonl"))
    assert (folder / "truth" / "messages.jsonl").exists()


def test_a_folder_with_other_files_is_never_touched(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")

    with pytest.raises(BadInput, match="holds no generated dataset"):
        write_world(folder, overwrite=True)
    assert (folder / "notes.txt").read_text() == "keep me"


def test_a_generated_dataset_is_replaced_only_with_overwrite(tmp_path: Path) -> None:
    folder = tmp_path / "world"
    write_world(folder, file_format="csv")

    with pytest.raises(BadInput, match="pass --overwrite"):
        write_world(folder)
    write_world(folder, overwrite=True)
    assert (folder / "messages.jsonl").exists() and not (folder / "messages.csv").exists()


def test_a_failed_run_leaves_the_previous_dataset_and_no_partial_folder(tmp_path: Path) -> None:
    folder = tmp_path / "world"
    write_world(folder)
    before = contents(folder)

    world = World(seed=1, scale=TINY, catalogue=load_catalogue())
    sink = FileSink(folder, file_format="jsonl", overwrite=True, world=world)
    with pytest.raises(RuntimeError), sink:
        raise RuntimeError("generation failed")
    assert contents(folder) == before
    assert not (tmp_path / "world.partial").exists()


def test_a_file_as_destination_is_refused(tmp_path: Path) -> None:
    (tmp_path / "world").write_text("")

    with pytest.raises(BadInput, match="is a file"):
        write_world(tmp_path / "world")
