"""``POST /api/ingest``: upload one file and import it with the same code as the CLI."""

import re
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from cspersona.auth.deps import JobStarter
from cspersona.http.deps import SessionDep, SettingsDep
from cspersona.ingest import service
from cspersona.ingest.readers.detect import SOURCES
from cspersona.ingest.schemas import IngestionRunRead

router = APIRouter(prefix="/ingest", tags=["ingest"])
UNSAFE_NAME_CHARACTERS = re.compile(r"[^\w.\-]+")
COPY_CHUNK = 1024 * 1024


def _save(upload: UploadFile, folder: Path, fallback: str) -> Path:
    """Store an upload under its own (sanitised) name: detection reads names."""
    name = UNSAFE_NAME_CHARACTERS.sub("_", Path(upload.filename or fallback).name) or fallback
    path = folder / name
    with path.open("wb") as target:
        while chunk := upload.file.read(COPY_CHUNK):
            target.write(chunk)
    return path


@router.post(
    "",
    response_model=IngestionRunRead,
    responses={400: {"description": "Nothing in the upload could be read, or a bad option"}},
)
def ingest_upload(
    _principal: JobStarter,
    db_session: SessionDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="The file to import.")],
    source: Annotated[str, Form(description=f"One of {', '.join(SOURCES)}.")] = "auto",
    customer: Annotated[
        str | None, Form(description="Customer external id for text and transcripts.")
    ] = None,
    mapping: Annotated[
        UploadFile | None, File(description="Column-mapping YAML for an unfamiliar layout.")
    ] = None,
) -> IngestionRunRead:
    """Import an uploaded file; answer the run with its per-entity summary."""
    with tempfile.TemporaryDirectory(prefix="cspersona-upload-") as folder:
        path = _save(file, Path(folder), "upload")
        mapping_path = _save(mapping, Path(folder), "mapping.yaml") if mapping else None
        run = service.run_import(
            db_session=db_session,
            settings=settings,
            paths=[path],
            source=source,
            mapping_path=mapping_path,
            customer=customer,
        )
    return IngestionRunRead.model_validate(run)
