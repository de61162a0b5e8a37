"""The FastAPI application factory."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from cspersona import __version__
from cspersona.api.errors import install_error_handlers
from cspersona.api.health import router as health_router
from cspersona.api.router import api_router
from cspersona.config import Settings, get_settings
from cspersona.db.engine import make_engine, make_session_factory


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app with its own engine; the engine is disposed when the app shuts down."""
    settings = settings or get_settings()
    engine = make_engine(settings.sqlalchemy_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        title="cspersona",
        version=__version__,
        summary="Customer personas, churn risk and persona chat for Customer Success teams.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    install_error_handlers(app)
    app.include_router(health_router)
    app.include_router(api_router)
    return app
