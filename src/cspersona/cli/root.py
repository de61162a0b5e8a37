"""The root Typer app: global options and the registration of every command group."""

import typer

from cspersona import __version__
from cspersona.api.commands import serve
from cspersona.auth.commands import keys_app, users_app
from cspersona.chat.commands import chat_app, scenarios_app
from cspersona.cli.customers import app as customers_app
from cspersona.cli.db import app as db_app
from cspersona.cli.demo import demo
from cspersona.cli.report import app as report_app
from cspersona.config import get_settings
from cspersona.console.errors import DomainErrorGroup
from cspersona.ingest.commands import ingest, quarantine
from cspersona.jobs.commands import app as jobs_app
from cspersona.logs import configure_logging
from cspersona.nlp.commands import app as nlp_app
from cspersona.nlp.commands import topics_app
from cspersona.personas.commands import app as personas_app
from cspersona.pii.commands import app as pii_app
from cspersona.pipeline.commands import app as pipeline_app
from cspersona.playbooks.commands import playbooks_app, tasks_app
from cspersona.predict.commands import app as churn_app
from cspersona.registry.commands import app as models_app
from cspersona.roi.log_commands import interventions_app
from cspersona.synth.commands import generate_command

app = typer.Typer(
    cls=DomainErrorGroup,
    help="cspersona: customer personas, churn risk and persona chat from customer conversations.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(keys_app, name="keys")
app.add_typer(jobs_app, name="jobs")
app.add_typer(churn_app, name="churn")
app.add_typer(models_app, name="models")
app.add_typer(pii_app, name="pii")
app.add_typer(chat_app, name="chat")
app.add_typer(scenarios_app, name="scenarios")
app.add_typer(personas_app, name="personas")
app.add_typer(playbooks_app, name="playbooks")
app.add_typer(tasks_app, name="tasks")
app.add_typer(interventions_app, name="interventions")
app.add_typer(pipeline_app, name="pipeline")
app.add_typer(customers_app, name="customers")
app.add_typer(nlp_app, name="nlp")
app.add_typer(topics_app, name="topics")
app.add_typer(report_app, name="report")
app.command()(serve)
app.command("generate")(generate_command)
app.command()(ingest)
app.command()(quarantine)
app.command()(demo)


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


def main() -> None:
    """Console-script entry point."""
    app(prog_name="cspersona")
