"""``cspersona serve``: run the API (and, later, the dashboard) with uvicorn."""

import typer

from cspersona.cli.common import console, open_database
from cspersona.config import get_settings


def serve(
    host: str | None = typer.Option(
        None, help="Address to bind; default CSPERSONA_HOST (127.0.0.1)."
    ),
    port: int | None = typer.Option(None, help="Port; default CSPERSONA_PORT (8000)."),
) -> None:
    """Serve the API on a migrated database; OpenAPI docs at /docs.

    Example: cspersona serve --port 8000
    """
    # The app imports every router and service: only serving needs them.
    import uvicorn

    from cspersona.api.app import create_app

    settings = get_settings()
    open_database().dispose()
    bind_host, bind_port = host or settings.host, port or settings.port
    console.print(f"serving on http://{bind_host}:{bind_port} (API docs at /docs); Ctrl+C stops")
    # log_config=None keeps the CLI's logging set-up (one format, quiet Alembic) for the server.
    uvicorn.run(create_app(settings), host=bind_host, port=bind_port, log_config=None)
