"""The root Typer app: global options and the registration of every command group."""

import typer

from cspersona import __version__
from cspersona.api.commands import serve
from cspersona.cli.common import console, open_database
from cspersona.cli.errors import DomainErrorGroup
from cspersona.config import get_settings
from cspersona.db import migrate
from cspersona.db.commands import app as db_app
from cspersona.ingest.commands import ingest, quarantine
from cspersona.ingest.pii.commands import app as pii_app
from cspersona.logs import configure_logging
from cspersona.synth.commands import database_has_customers, generate_command, load_demo_world

app = typer.Typer(
    cls=DomainErrorGroup,
    help="cspersona: customer personas, churn risk and persona chat from customer conversations.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(db_app, name="db")
app.add_typer(pii_app, name="pii")
app.command()(serve)
app.command("generate")(generate_command)
app.command()(ingest)
app.command()(quarantine)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"cspersona {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False,
        "--version",
        callback=_print_version,
        is_eager=True,
        help="Print the version and exit.",
    ),
) -> None:
    """Turn customer conversations into personas a Customer Success team can study and talk to."""
    configure_logging(get_settings().log_level)


@app.command()
def demo() -> None:
    """Prepare the demo database and serve it on http://127.0.0.1:8000.

    The first run generates the default synthetic world into the database; later runs reuse it.

    Example: cspersona demo
    """
    engine = open_database(require_schema=False)
    migrate.upgrade(engine)
    if database_has_customers(engine):
        console.print("the database already holds customers; reusing them")
    else:
        console.print("first run: generating the synthetic demo world into the database")
        load_demo_world(engine)
    engine.dispose()
    serve(host=None, port=None)


def main() -> None:
    """Console-script entry point."""
    app(prog_name="cspersona")
