"""``cspersona models``: what the registry holds."""

import json
from typing import Any

import typer
from rich.table import Table

from cspersona.console.database import open_database
from cspersona.console.errors import DomainErrorGroup
from cspersona.console.output import console
from cspersona.db.engine import make_session_factory, session_scope
from cspersona.registry.schemas import TrainedModelRead

app = typer.Typer(
    cls=DomainErrorGroup, help="The model registry: every trained model.", no_args_is_help=True
)


@app.command("list")
def list_models(
    kind: str | None = typer.Option(None, help="Only models of this kind, e.g. churn."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List registered models with their version, training data and metrics.

    Example: cspersona models list --kind churn --json
    """
    from cspersona.registry import service  # artifacts need joblib and NumPy: loaded when used

    engine = open_database()
    with session_scope(make_session_factory(engine)) as db_session:
        models = [
            TrainedModelRead.model_validate(model)
            for model in service.get_all(db_session=db_session, kind=kind)
        ]
    engine.dispose()
    if as_json:
        typer.echo(json.dumps([model.model_dump(mode="json") for model in models]))
        return
    table = Table()
    for heading in ("model", "created", "customers", "features", "held-out ROC-AUC", "artifact"):
        table.add_column(heading)
    for model in models:
        table.add_row(
            model.tag,
            f"{model.created_at:%Y-%m-%d %H:%M}",
            str(model.training_summary.get("customers", "")),
            str(len(model.features)),
            _against_baseline(model.training_summary.get("selection")),
            model.artifact_path,
        )
    console.print(table)


def _against_baseline(selection: dict[str, Any] | None) -> str:
    """The chosen learner's mean held-out ROC-AUC beside its baseline's, when recorded."""
    if not selection:
        return ""
    chosen = selection["candidates"].get(selection["chosen"], selection["baseline"]["roc_auc"])
    return (
        f"{_mean(chosen):.3f} ({selection['chosen']}); "
        f"{selection['baseline']['model']} {_mean(selection['baseline']['roc_auc']):.3f}"
    )


def _mean(by_target: dict[str, float | None]) -> float:
    known = [value for value in by_target.values() if value is not None]
    return sum(known) / len(known) if known else float("nan")
