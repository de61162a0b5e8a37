"""Ingestion operations: run an import, read past runs and their quarantine."""

from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from cspersona.catalogue.models import load_catalogue
from cspersona.config import Settings
from cspersona.db.types import utc_now
from cspersona.exceptions import BadInput, DatabaseError, NotFound
from cspersona.ingest.anonymize import RecordAnonymizer
from cspersona.ingest.interventions import load_interventions
from cspersona.ingest.loader import Loader, LoadSettings
from cspersona.ingest.mapping import ColumnMapping
from cspersona.ingest.models import IngestionRun, QuarantinedRecord, RunStatus
from cspersona.ingest.readers.base import ReadOptions
from cspersona.ingest.readers.detect import choose_reader, inputs
from cspersona.ingest.records import InputProblem
from cspersona.ingest.validation import Validator

ProgressCallback = Callable[[int, int], None]


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(child.stat().st_size for child in path.iterdir() if child.is_file())
    return path.stat().st_size


def run_import(
    *,
    db_session: Session,
    settings: Settings,
    paths: Sequence[Path],
    source: str = "auto",
    mapping_path: Path | None = None,
    customer: str | None = None,
    agents: Sequence[str] = (),
    on_progress: ProgressCallback | None = None,
) -> IngestionRun:
    """Import ``paths`` and return the finished run.

    Inputs that cannot be read at all (empty, binary, unknown layout) are listed in the run's
    ``summary["problems"]`` while the others load; when nothing could be read the run fails
    with :class:`BadInput`. A crash marks the run failed and keeps every committed batch.
    """
    mapping = ColumnMapping.load(mapping_path) if mapping_path is not None else None
    files = list(inputs(list(paths), source, mapping))
    total = sum(_size(path) for path in files)
    done = 0

    def on_read(count: int) -> None:
        nonlocal done
        done += count
        if on_progress is not None:
            on_progress(min(done, total), total)

    run = IngestionRun(source=source, paths=[str(path) for path in paths], summary={})
    db_session.add(run)
    db_session.commit()
    anonymizer = RecordAnonymizer(settings, load_catalogue(settings.catalogue_path))
    loader = Loader(
        db_session=db_session,
        run=run,
        anonymizer=anonymizer,
        settings=LoadSettings(settings.ingest_batch_size, settings.ingest_near_duplicate_threshold),
    )
    options = ReadOptions(
        mapping=mapping,
        customer=customer,
        agents=frozenset(agent.casefold() for agent in agents),
        on_read=on_read,
    )
    validator = Validator.from_settings(
        settings,
        timezone=mapping.timezone if mapping else None,
        dayfirst=mapping.dayfirst if mapping else None,
    )
    problems: list[str] = []
    logged: dict[str, dict[str, int]] = {}
    try:
        for path in files:
            try:
                reader = choose_reader(path, source, mapping)
                loader.begin_input(
                    source=reader.source_label(options),
                    reader_name=reader.name,
                    grouped=reader.grouped,
                    entity_ordered=reader.entity_ordered,
                    validator=validator,
                )
                for record in reader.read(path, options):
                    loader.receive(record)
            except InputProblem as problem:
                problems.append(problem.message)
        loader.finish()
        # Past actions name customers by external id: they load once the customers are in.
        for folder in (path for path in paths if path.is_dir()):
            try:
                counts = load_interventions(
                    db_session, run=run, folder=folder, anonymizer=anonymizer
                )
            except BadInput as problem:
                problems.append(str(problem))
                continue
            if counts is not None:
                logged = {"interventions": counts.model_dump()}
    except BaseException as error:
        _fail(db_session, run, loader.summary(), problems, error)
        if isinstance(error, SQLAlchemyError):
            raise DatabaseError(f"import {run.id} stopped: {_first_line(error)}") from error
        raise
    finally:
        anonymizer.close()
    entities = {**loader.summary(), **logged}
    run.summary = {"entities": entities, "problems": problems, "notes": options.notes}
    run.finished_at = utc_now()
    if problems and not entities:
        run.status, run.error = RunStatus.FAILED, "; ".join(problems)
        db_session.commit()
        raise BadInput("; ".join(problems))
    run.status = RunStatus.COMPLETED
    db_session.commit()
    return run


def _first_line(error: BaseException) -> str:
    lines = str(getattr(error, "orig", None) or error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _fail(
    db_session: Session,
    run: IngestionRun,
    entities: dict[str, dict[str, int]],
    problems: list[str],
    error: BaseException,
) -> None:
    """Record that the run stopped, keeping the counts of the batches it committed."""
    db_session.rollback()
    run.status = RunStatus.FAILED
    run.error = _first_line(error)
    run.finished_at = utc_now()
    run.summary = {"entities": entities, "problems": problems, "notes": []}
    db_session.commit()


def get(*, db_session: Session, run_id: int) -> IngestionRun:
    """The run with this id, or :class:`NotFound`."""
    run = db_session.get(IngestionRun, run_id)
    if run is None:
        raise NotFound(f"ingestion run {run_id} does not exist")
    return run


def get_quarantined(
    *, db_session: Session, run_id: int, limit: int, offset: int = 0
) -> tuple[list[QuarantinedRecord], int]:
    """One page of a run's quarantined records in input order, and how many there are."""
    where = QuarantinedRecord.run_id == run_id
    total = db_session.scalar(select(func.count()).select_from(QuarantinedRecord).where(where))
    page = db_session.scalars(
        select(QuarantinedRecord)
        .where(where)
        .order_by(QuarantinedRecord.id)
        .limit(limit)
        .offset(offset)
    )
    return list(page), total or 0
