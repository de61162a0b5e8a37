"""``cspersona demo``: run the demo's stages with a progress display, then serve the result."""

from typing import Annotated

import typer

from cspersona.api.commands import serve as serve_command
from cspersona.config import Settings, get_settings
from cspersona.console.database import open_database
from cspersona.console.output import console
from cspersona.db.engine import make_session_factory, session_scope
from cspersona.pipeline.commands import run_with_progress


def demo(
    scale: Annotated[
        float, typer.Option(min=0.01, help="Volume of the synthetic world (1 = the default).")
    ] = 1.0,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the dashboard afterwards.")
    ] = True,
) -> None:
    """Generate, ingest and analyse the demo world, then serve it on http://127.0.0.1:8000.

    The first run writes the synthetic world to <data_dir>/world, imports it through ingestion
    and runs the pipeline; later runs reuse all of it. Prints an admin API key on the first run.

    Example: cspersona demo --scale 0.2 --no-serve
    """
    # The stages, the key service and migrations import pandas, scikit-learn, FastAPI, Alembic.
    from cspersona.auth import service as auth_service
    from cspersona.db import migrate
    from cspersona.demo.stages import demo_stages

    settings = get_settings()
    engine = open_database(require_schema=False)
    migrate.upgrade(engine)
    with session_scope(make_session_factory(engine)) as db_session:
        results = run_with_progress(
            db_session=db_session, settings=settings, stages=demo_stages(scale=scale)
        )
        key = auth_service.create_first_admin(db_session=db_session, secret_key=settings.secret_key)
    engine.dispose()
    console.print(f"ready in {sum(result.seconds for result in results):.1f} s")
    _print_access(settings, key)
    if serve:
        serve_command(host=None, port=None, workers=None)


def _print_access(settings: Settings, key: str | None) -> None:
    address = f"http://{settings.host}:{settings.port}"
    if key:
        console.print("admin API key (shown this once; log in to the dashboard with it):")
        typer.echo(key)
    else:
        console.print(
            "log in with the admin API key the first `cspersona demo` printed, "
            "or make another: cspersona keys create admin"
        )
    console.print(f"dashboard: {address}/   API: {address}/api (docs at {address}/docs)")
    console.print(f"try: curl -H 'Authorization: Bearer <key>' {address}/api/customers")
