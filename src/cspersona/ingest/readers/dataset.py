"""The cspersona dataset folder (docs/data-format.md): a manifest and one file per entity."""

import json
from collections.abc import Iterator
from pathlib import Path

from cspersona.ingest.readers.base import Reader, ReadOptions
from cspersona.ingest.readers.tables import TableReader, entity_named, format_of
from cspersona.ingest.records import Entity, InputProblem, RawRecord

MANIFEST = "manifest.json"
FORMAT_NAME = "cspersona-dataset"
SUPPORTED_VERSIONS = {1}


def is_dataset(folder: Path) -> bool:
    """A folder with a manifest, or with at least one file named after an entity."""
    return (folder / MANIFEST).is_file() or bool(entity_files(folder))


def entity_files(folder: Path) -> dict[Entity, Path]:
    """Entity-named data files in ``folder`` (``truth/`` and other folders are not read)."""
    found: dict[Entity, Path] = {}
    for path in sorted(folder.iterdir()):
        entity = entity_named(path) if path.is_file() else None
        if entity is not None and format_of(path) is not None and entity.value == path.stem:
            found.setdefault(entity, path)
    return found


class DatasetReader(Reader):
    """Every entity file of a dataset folder, customers first, so references resolve."""

    name = "dataset"
    entity_ordered = True

    def read(self, path: Path, options: ReadOptions) -> Iterator[RawRecord]:
        """Records of each listed (or found) entity file, in entity order."""
        files = self._manifest_files(path) if (path / MANIFEST).is_file() else entity_files(path)
        if not files:
            raise InputProblem(f"{path.name} holds no entity files (customers.jsonl, ...)")
        for entity in Entity:
            if entity in files:
                yield from TableReader(format_of(files[entity])).read(files[entity], options)

    @staticmethod
    def _manifest_files(folder: Path) -> dict[Entity, Path]:
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise InputProblem(f"{folder.name}/{MANIFEST} is not valid JSON ({error})") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
            raise InputProblem(f'{folder.name}/{MANIFEST} does not say "format": "{FORMAT_NAME}"')
        if manifest.get("version") not in SUPPORTED_VERSIONS:
            raise InputProblem(
                f"{folder.name}/{MANIFEST} is version {manifest.get('version')!r}; "
                f"this cspersona reads version {', '.join(map(str, SUPPORTED_VERSIONS))}"
            )
        files: dict[Entity, Path] = {}
        for name, entry in (manifest.get("files") or {}).items():
            if name not in {entity.value for entity in Entity} or not isinstance(entry, dict):
                continue
            path = folder / str(entry.get("path", ""))
            if not path.is_file():
                raise InputProblem(
                    f"{folder.name}/{MANIFEST} lists {entry.get('path')}, which is missing"
                )
            files[Entity(name)] = path
        return files
