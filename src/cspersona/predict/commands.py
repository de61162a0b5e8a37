"""``cspersona churn``: fit, predict and evaluate churn models on your own customer tables."""

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import Engine

from cspersona.config import get_settings
from cspersona.console.database import open_database_if_ready
from cspersona.console.errors import DomainErrorGroup
from cspersona.console.output import console
from cspersona.db.engine import make_session_factory, session_scope
from cspersona.exceptions import BadInput

if TYPE_CHECKING:
    from cspersona.predict.artifact import ChurnModelFile
    from cspersona.predict.estimator import ChurnEstimator

# Models, tables and scoring load pandas and scikit-learn: commands import them when they run,
# so that `cspersona --help` starts fast.

app = typer.Typer(
    cls=DomainErrorGroup,
    help="Churn risk on your own customer tables: fit, predict and evaluate models.",
    no_args_is_help=True,
)
notes = Console(stderr=True)

# Options shared by the commands that read a labelled table.
TableOption = Annotated[
    Path, typer.Option("--table", help="CSV file with a header and one row per customer.")
]
LabelOption = Annotated[
    str,
    typer.Option(
        "--label", help="Column saying who churned (Yes/No, 1/0, True/False, churned/active...)."
    ),
]
TimeOption = Annotated[
    str | None,
    typer.Option(
        "--time",
        help="Column with how long each customer was observed: until churn, or until now if "
        "active. Gives probabilities per horizon.",
    ),
]
TimeUnitOption = Annotated[
    str, typer.Option("--time-unit", help="Unit of --time: days or months (a month is 30 days).")
]
IdOption = Annotated[
    str | None,
    typer.Option("--id", help="Customer id column; default: the first identifier-like column."),
]
DropOption = Annotated[
    list[str] | None, typer.Option("--drop", help="A column to ignore; repeat for several.")
]
LearnerOption = Annotated[
    str,
    typer.Option(
        help="auto (chosen by cross-validation on the table, never behind plain logistic "
        "regression by more than 0.01), linear, spline, boosted, blend or logistic."
    ),
]
CalibrationOption = Annotated[
    str, typer.Option(help="sigmoid (Platt) or isotonic, fitted on held-out folds.")
]


ProductTableOption = Annotated[
    Path | None,
    typer.Option(
        "--table",
        help="CSV file with a header and one row per customer; without it, the product model "
        "is trained on the database.",
    ),
]
ProductLabelOption = Annotated[
    str | None,
    typer.Option(
        "--label",
        help="Column saying who churned (Yes/No, 1/0, True/False, churned/active...); "
        "required with --table.",
    ),
]


@app.command()
def fit(
    table: ProductTableOption = None,
    label: ProductLabelOption = None,
    time: TimeOption = None,
    time_unit: TimeUnitOption = "days",
    id_column: IdOption = None,
    drop: DropOption = None,
    model: Annotated[
        Path | None,
        typer.Option(help="File to save the model to; optional when a database is migrated."),
    ] = None,
    learner: LearnerOption = "auto",
    calibration: CalibrationOption = "sigmoid",
    register: bool = typer.Option(
        True, help="Register the model when the configured database is migrated."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the training report as JSON."),
) -> None:
    """Train a calibrated churn model on a customer table, or the product model on the database.

    With --table: with --time the model predicts churn within each horizon (30/60/90 days by default), treating customers still active as censored; without it, one probability per customer. Without --table: the product model learns 30/60/90-day churn from monthly point-in-time snapshots of the database's customers (analytics features, lifecycle churn events) and is registered.

    Example: cspersona churn fit --table customers.csv --label Churn --time tenure --time-unit months --model churn.joblib

    Example: cspersona churn fit   (the product model on the configured database)
    """  # noqa: E501
    from cspersona.predict import table_workflow
    from cspersona.predict.artifact import register_model, save_model
    from cspersona.predict.table import TableSpec, parse_time_unit

    if table is None:
        _fit_product(learner, calibration, model, as_json)
        return
    if label is None:
        raise BadInput("--table needs --label: the column saying who churned")
    unit = parse_time_unit(time_unit)
    engine, database = open_database_if_ready() if register else (None, "--no-register")
    if model is None and engine is None:
        raise BadInput(f"give --model FILE: the model cannot be registered ({database})")
    spec = TableSpec(table, label, time, unit, id_column, tuple(drop or ()))
    with notes.status(f"training on {table.name}"):
        trained = table_workflow.fit_table(spec, learner=learner, calibration=calibration)
    if model is not None:
        save_model(trained, model)
    tag = None
    if engine is not None:
        with session_scope(make_session_factory(engine)) as db_session:
            tag = register_model(
                db_session=db_session, data_dir=get_settings().data_dir, model=trained
            ).tag
        engine.dispose()
    _report_fit(trained, model=model, tag=tag, database=database, as_json=as_json)


@app.command()
def score(
    refit: bool = typer.Option(
        False, "--refit", help="Train a new product model first instead of using the latest."
    ),
) -> None:
    """Score every active customer of the database into churn_scores for 30, 60 and 90 days.

    Each score carries plain-language drivers and, for customers at risk, interventions; the latest product model is used (one is trained when none is registered). `cspersona pipeline run` does the same.

    Example: cspersona churn score
    """  # noqa: E501
    from cspersona.predict import scoring

    settings = get_settings()
    engine, _database = _require_database()
    with session_scope(make_session_factory(engine)) as db_session:
        if refit:
            with notes.status("training the product churn model"):
                scoring.fit_and_register(db_session=db_session, settings=settings)
        with notes.status("scoring customers"):
            scored = scoring.score_customers(db_session=db_session, settings=settings)
    engine.dispose()
    console.print(f"scored {scored} active customers for 30, 60 and 90 days into churn_scores")


@app.command()
def predict(
    table: TableOption,
    out: str = typer.Option(..., "--out", help="CSV file to write; - for standard output."),
    model: Annotated[
        Path | None,
        typer.Option(help="Model file from `churn fit`; default: the latest registered one."),
    ] = None,
    horizons: str | None = typer.Option(
        None, help="Days, comma-separated; default: those the model was trained for."
    ),
    explain: bool = typer.Option(False, "--explain", help="Add each customer's top drivers."),
    top: int = typer.Option(3, min=1, max=20, help="How many drivers --explain adds."),
) -> None:
    """Score every customer of a table: churn probability per horizon (or one), drivers.

    Example: cspersona churn predict --model churn.joblib --table customers.csv --horizons 30,60,90 --out predictions.csv --explain
    """  # noqa: E501
    from cspersona.predict import table_workflow

    churn_model, source = _load(model)
    predictions, predict_notes = table_workflow.predict_table(
        model=churn_model,
        path=table,
        horizons=table_workflow.parse_horizons(horizons) if horizons is not None else None,
        explain=top if explain else 0,
    )
    if out == "-":
        predictions.to_csv(sys.stdout, index=False)
    else:
        predictions.to_csv(out, index=False)
        console.print(f"wrote {len(predictions)} predictions to {out} (model {source})")
    for note in predict_notes:
        notes.print(f"note: {note}")


@app.command()
def evaluate(
    table: TableOption,
    label: LabelOption,
    time: TimeOption = None,
    time_unit: TimeUnitOption = "days",
    id_column: IdOption = None,
    drop: DropOption = None,
    cv: int = typer.Option(5, "--cv", help="Cross-validation folds over customers."),
    learner: LearnerOption = "auto",
    calibration: CalibrationOption = "sigmoid",
) -> None:
    """Cross-validate the model `churn fit` would train; print ROC-AUC, PR-AUC, Brier and calibration error as JSON.

    With --time the metrics are per horizon, over every 30-day period at which a held-out customer was seen active and its outcome within the horizon is known.

    Example: cspersona churn evaluate --table customers.csv --label Churn --cv 5
    """  # noqa: E501
    from cspersona.predict import table_workflow
    from cspersona.predict.table import TableSpec, parse_time_unit

    unit = parse_time_unit(time_unit)
    spec = TableSpec(table, label, time, unit, id_column, tuple(drop or ()))
    with Progress(console=notes, transient=True, disable=not notes.is_terminal) as progress:
        task = progress.add_task("cross-validating", total=cv)
        result = table_workflow.evaluate_table(
            spec,
            folds=cv,
            learner=learner,
            calibration=calibration,
            on_fold=lambda: progress.advance(task),
        )
    typer.echo(json.dumps(result))


def _require_database() -> tuple[Engine, str]:
    """An engine on the configured database and its description, or a one-line error."""
    engine, reason = open_database_if_ready()
    if engine is None:
        raise BadInput(f"the product churn model needs a migrated database: {reason}")
    return engine, reason


def _fit_product(learner: str, calibration: str, model: Path | None, as_json: bool) -> None:
    """Train the product model on the database, register it, print its held-out report."""
    from cspersona.predict import scoring
    from cspersona.predict.artifact import save_model

    engine, database = _require_database()
    with (
        session_scope(make_session_factory(engine)) as db_session,
        notes.status("building point-in-time snapshots and training"),
    ):
        trained, registered = scoring.fit_and_register(
            db_session=db_session,
            settings=get_settings(),
            learner=learner,
            calibration=calibration,
        )
        tag = registered.tag
    engine.dispose()
    if model is not None:
        save_model(trained, model)
    _report_fit(trained, model=model, tag=tag, database=database, as_json=as_json)


def _report_fit(
    trained: "ChurnModelFile", *, model: Path | None, tag: str | None, database: str, as_json: bool
) -> None:
    """Print what a fit produced (JSON or a table) and its notes."""
    from cspersona.db.documents import json_ready

    report = {
        "model": str(model) if model else None,
        "registered": tag,
        "summary": json_ready(trained.estimator.summary_),
        "metrics": json_ready(trained.estimator.metrics_),
    }
    if as_json:
        typer.echo(json.dumps(report))
    else:
        _print_fit_report(trained, report, database)
    for note in _fit_notes(trained.estimator):
        notes.print(f"note: {note}")


def _load(model: Path | None) -> tuple["ChurnModelFile", str]:
    """The model file given, or the latest registered churn model."""
    from cspersona.predict.artifact import CHURN_KIND, ChurnModelFile, load_model
    from cspersona.registry import service as registry

    if model is not None:
        return load_model(model), str(model)
    engine, reason = open_database_if_ready()
    if engine is None:
        raise BadInput(f"give --model FILE: no registered model to use ({reason})")
    settings = get_settings()
    with session_scope(make_session_factory(engine)) as db_session:
        latest = registry.get_latest(db_session=db_session, kind=CHURN_KIND)
        artifact = registry.load(model=latest, data_dir=settings.data_dir)
        tag = latest.tag
    engine.dispose()
    if not isinstance(artifact, ChurnModelFile):
        raise BadInput(f"registered model {tag} is not a churn model file")
    return artifact, tag


def _print_fit_report(trained: "ChurnModelFile", report: dict[str, Any], database: str) -> None:
    summary = trained.estimator.summary_
    rows = (
        f"{summary['snapshots']} snapshots of {summary['distinct_customers']} customers at "
        f"{summary['cutoffs']} cutoffs, {summary['churned']} churned within "
        f"{trained.estimator.horizons_days[-1]} days"
        if "snapshots" in summary
        else f"{summary['customers']} customers, {summary['churned']} churned"
    )
    console.print(
        f"trained on {trained.trained_on}: {rows} ({summary['churn_rate']:.1%}); learner "
        f"{summary['learner']}, {summary['calibration']} calibration"
    )
    console.print(
        f"features: {len(summary['numeric_columns'])} numeric, "
        f"{len(summary['categorical_columns'])} categorical"
        + "".join(f"; skipped {name} ({why})" for name, why in summary["skipped_columns"].items())
    )
    metrics = Table(title="held-out (cross-fitted) metrics")
    for heading in ("churn", "ROC-AUC", "PR-AUC", "Brier", "calibration error", "rows"):
        metrics.add_column(heading)
    for target, values in report["metrics"].items():
        metrics.add_row(
            _target_words(target),
            *(
                "n/a" if values[name] is None else f"{values[name]:.3f}"
                for name in ("roc_auc", "pr_auc", "brier", "calibration_error")
            ),
            str(values["rows"]),
        )
    console.print(metrics)
    _print_comparison(summary["selection"])
    if report["model"]:
        console.print(f"saved to {report['model']}")
    console.print(
        f"registered as {report['registered']} in {database}"
        if report["registered"]
        else f"not registered ({database})"
    )


def _target_words(target: str) -> str:
    """``30d`` as "within 30 days"; a model without horizons has one target, "ever"."""
    return f"within {target[:-1]} days" if target.endswith("d") else "ever"


def _print_comparison(selection: dict[str, Any]) -> None:
    """The chosen learner against plain logistic regression, per target, on the same folds."""
    from cspersona.predict.selection import mean_score

    chosen = selection["chosen"]
    figures = selection["candidates"].get(chosen) or selection["baseline"]["roc_auc"]
    baseline = selection["baseline"]["roc_auc"]
    comparison = Table(
        title=f"held-out ROC-AUC against {selection['baseline']['model']} (same folds)"
    )
    for heading in ("churn", f"this model ({chosen})", selection["baseline"]["model"], "gap"):
        comparison.add_column(heading)
    for target, value in baseline.items():
        gap = round(figures[target] - value, 3) + 0.0  # no "-0.000"
        comparison.add_row(
            _target_words(target), f"{figures[target]:.3f}", f"{value:.3f}", f"{gap:+.3f}"
        )
    console.print(comparison)
    if len(selection["candidates"]) > 1:
        ranked = sorted(selection["candidates"].items(), key=lambda item: -mean_score(item[1]))
        console.print(
            "learner chosen by cross-validation on this table (mean held-out ROC-AUC): "
            + ", ".join(f"{name} {mean_score(scores):.3f}" for name, scores in ranked)
            + f"; {selection['baseline']['model']} {mean_score(baseline):.3f}"
        )


def _fit_notes(estimator: "ChurnEstimator") -> list[str]:
    summary = estimator.summary_
    found = []
    if summary["small_book"]:
        found.append(
            f"small book ({summary['customers']} customers, {summary['churned']} churned): "
            f"a simpler model; predictions carry {summary['uncertainty']}, read them as ranges"
        )
    for column, rho in summary.get("time_correlated_columns", {}).items():
        found.append(
            f"{column} moves with the time column (rank correlation {rho}); if it accumulates "
            f"over time it tells the model how long customers stayed: consider --drop {column}"
        )
    return found
