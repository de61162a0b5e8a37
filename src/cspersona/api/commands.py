"""``cspersona serve``: run the API and the dashboard with uvicorn, in one or more processes."""

import typer

from cspersona.config import get_settings, process_count
from cspersona.console.database import open_database
from cspersona.console.output import console


def serve(
    host: str | None = typer.Option(
        None, help="Address to bind; default CSPERSONA_HOST (127.0.0.1)."
    ),
    port: int | None = typer.Option(None, help="Port; default CSPERSONA_PORT (8000)."),
    workers: int | None = typer.Option(
        None,
        min=1,
        max=32,
        help="Processes answering requests; default CSPERSONA_WORKERS (0: one per CPU core, "
        "at most 4).",
    ),
) -> None:
    """Serve the dashboard and the API on a migrated database; OpenAPI docs at /docs.

    Example: cspersona serve --port 8000 --workers 2
    """
    # The app imports every router and service: only serving needs them.
    import uvicorn

    from cspersona.api.app import create_app, sweep_interrupted_jobs

    settings = get_settings()
    engine = open_database()
    bind_host, bind_port = host or settings.host, port or settings.port
    processes = workers or process_count(settings.workers)
    console.print(
        f"serving on http://{bind_host}:{bind_port} (API docs at /docs) with {processes} "
        f"worker process{'es' if processes > 1 else ''}; Ctrl+C stops"
    )
    # log_config=None keeps the CLI's logging set-up (one format, quiet Alembic) for the server.
    if processes == 1:
        engine.dispose()
        uvicorn.run(create_app(settings), host=bind_host, port=bind_port, log_config=None)
        return
    # Workers import the app by name; restarting one must not fail a sibling's jobs, so the
    # jobs a stopped server left unfinished are failed here, once.
    sweep_interrupted_jobs(engine, settings)
    engine.dispose()
    uvicorn.run(
        "cspersona.api.app:create_worker_app",
        factory=True,
        workers=processes,
        host=bind_host,
        port=bind_port,
        log_config=None,
    )
