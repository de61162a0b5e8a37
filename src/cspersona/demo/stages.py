"""The demo's stages around the pipeline: the synthetic world to files, its import, history.

They have the shape of the pipeline's stages (:mod:`cspersona.pipeline.stages`), so the demo runs
them and then every pipeline stage as one ordered list. Each skips work already done, which makes
a second demo run start fast.
"""

import time
from datetime import timedelta
from functools import partial
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.analytics.history import latest_moment
from cspersona.catalogue.models import load_catalogue
from cspersona.config import Settings
from cspersona.exceptions import BadInput
from cspersona.ingest import service as ingest_service
from cspersona.ingest.models import IngestionRun, RunStatus
from cspersona.personas.build import build_personas
from cspersona.personas.models import Persona
from cspersona.pipeline.stages import STAGES, ProgressCallback, Stage, StageResult
from cspersona.synth.files import FileSink, is_generated_dataset
from cspersona.synth.service import generate
from cspersona.synth.world import World

DEMO_SEED = 7
# A tenth of the demo's customers change habits once (a new champion, say), and personas are
# first built as of a year before the data ends, then refitted on all data, so the demo has
# persona changes to show (a quarter was too short: whole-history features move slowly, and
# nobody switched).
DEMO_DRIFT = 0.1
HISTORY_DAYS = 365


def world_folder(settings: Settings) -> Path:
    """Where the demo writes its synthetic world (the default of ``cspersona generate``)."""
    return settings.data_dir / "world"


def generate_world(
    db_session: Session, settings: Settings, progress: ProgressCallback | None, *, scale: float
) -> StageResult:
    """Write the synthetic world as a dataset folder, unless a generated one is already there."""
    started = time.perf_counter()
    folder = world_folder(settings)
    if is_generated_dataset(folder):
        return StageResult("generate", 0, _since(started), f"reusing {folder}")
    world = World(
        seed=DEMO_SEED,
        scale=scale,
        catalogue=load_catalogue(settings.catalogue_path),
        drift_share=DEMO_DRIFT,
    )
    with FileSink(folder, file_format="jsonl", overwrite=True, world=world) as sink:
        summary = generate(world=world, sinks=[sink], on_progress=progress)
    customers = summary.rows.get("customers", 0)
    return StageResult("generate", customers, _since(started), f"{customers:,} customers")


def ingest_world(
    db_session: Session, settings: Settings, progress: ProgressCallback | None
) -> StageResult:
    """Import the world folder through ingestion, unless a completed import already read it."""
    started = time.perf_counter()
    folder = str(world_folder(settings))
    runs = db_session.scalars(
        select(IngestionRun).where(IngestionRun.status == RunStatus.COMPLETED)
    )
    if any(run.paths == [folder] for run in runs):
        return StageResult("ingest", 0, _since(started), "imported before")
    run = ingest_service.run_import(
        db_session=db_session, settings=settings, paths=[Path(folder)], on_progress=progress
    )
    entities = run.summary.get("entities", {})
    loaded = sum(counts.get("loaded", 0) for counts in entities.values())
    messages = entities.get("messages", {}).get("loaded", 0)
    return StageResult("ingest", loaded, _since(started), f"import {run.id}: {messages:,} messages")


def personas_a_year_ago(
    db_session: Session, settings: Settings, progress: ProgressCallback | None
) -> StageResult:
    """Build personas as of ``HISTORY_DAYS`` before the data ends, then refit them on all data.

    The refit keeps ids and names by matching and records who switched, as an analyst's
    `cspersona personas build` a year later would; profiles describe today's members. Skipped
    when personas exist.
    """
    started = time.perf_counter()
    if db_session.scalar(select(Persona.id).limit(1)) is not None:
        return StageResult("history", 0, _since(started), "personas exist already")
    then = latest_moment(db_session=db_session) - timedelta(days=HISTORY_DAYS)
    try:
        first = build_personas(db_session=db_session, settings=settings, as_of=then.to_pydatetime())
        refit = build_personas(db_session=db_session, settings=settings)
    except BadInput as error:  # a book too small for personas: the pipeline says so again
        return StageResult("history", 0, _since(started), f"skipped: {error.message}")
    detail = (
        f"{first.model_version} as of {then:%Y-%m-%d}, refitted on all data as "
        f"{refit.model_version}: {refit.switches} customers switched persona"
    )
    return StageResult("history", refit.customers, _since(started), detail)


def demo_stages(*, scale: float) -> list[tuple[str, Stage]]:
    """The demo's stages in order: the world to files, its import, the whole pipeline.

    Personas are first built as they were a year ago and refitted on all the data, so customers
    whose habits changed show as persona changes; the pipeline then places every customer again.
    """
    before_personas = STAGES.index(next(stage for stage in STAGES if stage[0] == "personas"))
    return [
        ("generate", partial(generate_world, scale=scale)),
        ("ingest", ingest_world),
        *STAGES[:before_personas],
        ("history", personas_a_year_ago),
        *STAGES[before_personas:],
    ]


def _since(started: float) -> float:
    return round(time.perf_counter() - started, 2)
