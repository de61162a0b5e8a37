"""``cspersona db``: create and migrate the database schema."""

import json

import typer

from cspersona.console.database import open_database
from cspersona.console.errors import DomainErrorGroup
from cspersona.console.output import console
from cspersona.db.engine import describe

app = typer.Typer(
    cls=DomainErrorGroup, help="Create and migrate the database schema.", no_args_is_help=True
)
# Alembic (cspersona.db.migrate) loads when a command runs, so that `cspersona --help` starts fast.


@app.command()
def upgrade(
    revision: str = typer.Option("head", help="Revision to migrate to; `head` is the latest."),
) -> None:
    """Migrate the database to the latest schema (creates it on first run).

    Example: cspersona db upgrade
    """
    from cspersona.db import migrate

    engine = open_database(require_schema=False)
    migrate.upgrade(engine, revision)
    console.print(f"database {describe(engine)} is at revision {migrate.current_revision(engine)}")


@app.command()
def downgrade(
    revision: str = typer.Argument(..., help="Revision to go back to; `base` drops every table."),
) -> None:
    """Migrate the database back to an older schema.

    Example: cspersona db downgrade base
    """
    from cspersona.db import migrate

    engine = open_database(require_schema=False)
    migrate.downgrade(engine, revision)
    console.print(f"database {describe(engine)} is at revision {migrate.current_revision(engine)}")


@app.command()
def current(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Show the database's schema revision and the one the code expects.

    Example: cspersona db current --json
    """
    from cspersona.db import migrate

    engine = open_database(require_schema=False)
    state = {
        "database": describe(engine),
        "current": migrate.current_revision(engine),
        "head": migrate.head_revision(),
    }
    if as_json:
        typer.echo(json.dumps(state))
        return
    console.print(
        f"{state['database']}: revision {state['current']} (code expects {state['head']})"
    )
