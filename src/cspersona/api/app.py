"""The FastAPI application factory: the API, the dashboard pages and the job runner."""

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from cspersona import __version__
from cspersona.api.health import router as health_router
from cspersona.api.router import api_router
from cspersona.config import Settings, get_settings
from cspersona.db.engine import (
    make_engine,
    make_session_factory,
    session_scope,
    writer_session_factory,
)
from cspersona.exceptions import CsPersonaError, DatabaseError
from cspersona.http.errors import install_error_handlers
from cspersona.jobs import registry
from cspersona.jobs.runners import InlineRunner, build_runner
from cspersona.jobs.service import fail_interrupted
from cspersona.logs import configure_logging
from cspersona.reports import service as reports
from cspersona.web.assets import static_files
from cspersona.web.errors import render_error_page
from cspersona.web.router import router as web_router

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, *, one_of_many: bool = False) -> FastAPI:
    """Build the app with its own engine and job runner; both stop when the app shuts down.

    ``one_of_many``: the app is one of several worker processes (``cspersona serve --workers``).
    Inline jobs then post progress where every worker reads it, and the jobs a stopped server
    left unfinished are failed once by the serve command, not by each worker as it (re)starts.
    """
    settings = settings or get_settings()
    engine = make_engine(settings.sqlalchemy_url)
    session_factory = make_session_factory(engine)
    writer_factory = writer_session_factory(engine)
    registry.discover(settings.job_modules)
    job_runner = build_runner(settings, engine, one_of_many=one_of_many)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if not one_of_many:
            sweep_interrupted_jobs(engine, settings)
        threading.Thread(
            target=warm_read_models, args=(session_factory,), name="cspersona-warm", daemon=True
        ).start()
        yield
        job_runner.shutdown()
        engine.dispose()

    app = FastAPI(
        title="cspersona",
        version=__version__,
        summary="Customer personas, churn risk and persona chat for Customer Success teams.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = session_factory
    app.state.writer_factory = writer_factory
    app.state.job_runner = job_runner
    install_error_handlers(app, page_renderer=render_error_page)
    app.include_router(health_router)
    app.include_router(api_router)
    app.include_router(web_router)
    app.mount("/static", static_files(), name="static")
    return app


def create_worker_app() -> FastAPI:
    """The app of one of several worker processes; uvicorn imports this factory by name.

    A worker is a fresh interpreter, so it sets up logging as the CLI that started it did.
    """
    settings = get_settings()
    configure_logging(settings.log_level)
    return create_app(settings, one_of_many=True)


def warm_read_models(session_factory: sessionmaker[Session]) -> None:
    """Fill this process's read-model cache while the server starts answering (best effort)."""
    try:
        with session_factory() as db_session:
            reports.warm_read_models(db_session=db_session)
    except (CsPersonaError, SQLAlchemyError) as error:  # e.g. not migrated: /health says so
        logger.info("read models not warmed: %s", error)


def sweep_interrupted_jobs(engine: Engine, settings: Settings) -> None:
    """Fail the inline jobs a stopped server left queued or running (their threads are gone)."""
    if settings.job_runner != "inline":
        return
    try:
        with session_scope(make_session_factory(engine)) as db_session:
            fail_interrupted(db_session=db_session, runner_name=InlineRunner.name)
    except (DatabaseError, SQLAlchemyError) as error:
        # /health reports an unusable database; the server must still start to say so.
        logger.warning("could not sweep interrupted jobs: %s", error)
