"""A world the tests never use, loaded the way a user loads one: files, ingestion, pipeline.

Shared by the benchmarks that judge what a CSM reads: the world is generated into a dataset
folder (with its ``truth/``), imported through ingestion with PII anonymisation, and the pipeline
stages are run on a fresh SQLite database under ``folder``.
"""

from collections.abc import Sequence
from pathlib import Path

from cspersona.catalogue.models import load_catalogue
from cspersona.config import Settings, load_settings
from cspersona.db import migrate
from cspersona.db.engine import make_engine, make_session_factory, session_scope
from cspersona.ingest import service as ingest
from cspersona.pipeline.stages import Stage, run_pipeline
from cspersona.synth.files import FileSink
from cspersona.synth.service import generate
from cspersona.synth.world import World

WORLD_FOLDER = "world"


def load_world(
    folder: Path,
    *,
    seed: int,
    scale: float,
    secret_key: str,
    stages: Sequence[tuple[str, Stage]] | None = None,
    drift_share: float = 0.0,
) -> Settings:
    """Generate, ingest and run ``stages`` (default: all); the settings that reach the database.

    The dataset folder, truth included, stays at ``folder / WORLD_FOLDER``; ``drift_share`` plants
    changes of habits (``cspersona generate --drift``).
    """
    settings = load_settings(data_dir=folder / "data", secret_key=secret_key)
    world = World(
        seed=seed,
        scale=scale,
        catalogue=load_catalogue(settings.catalogue_path),
        drift_share=drift_share,
    )
    with FileSink(folder / WORLD_FOLDER, file_format="jsonl", overwrite=True, world=world) as sink:
        generate(world=world, sinks=[sink])
    engine = make_engine(settings.sqlalchemy_url)
    migrate.upgrade(engine)
    with session_scope(make_session_factory(engine)) as db_session:
        ingest.run_import(db_session=db_session, settings=settings, paths=[folder / WORLD_FOLDER])
    with session_scope(make_session_factory(engine)) as db_session:
        run_pipeline(db_session=db_session, settings=settings, stages=stages)
    engine.dispose()
    return settings
