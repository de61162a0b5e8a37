import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cspersona.cli import app
from cspersona.config import get_settings
from cspersona.predict.artifact import ChurnModelFile, save_model
from cspersona.predict.classifier import ChurnClassifier
from cspersona.predict.table import TableSpec, TimeUnit
from tests.conftest import DatabaseFactory
from tests.predict.factories import customer_table, write_table

runner = CliRunner()


@pytest.fixture
def table(tmp_path: Path) -> Path:
    # 400 customers, about 220 churned: above the small-book threshold.
    return write_table(customer_table(400, seed=21), tmp_path / "customers.csv")


def test_fit_then_predict_without_a_time_column(table: Path, tmp_path: Path) -> None:
    model, out = tmp_path / "churn.joblib", tmp_path / "predictions.csv"

    fitted = runner.invoke(
        app,
        ["churn", "fit", "--table", str(table), "--label", "churned", "--model", str(model)],
        terminal_width=200,
    )
    scored = runner.invoke(
        app,
        ["churn", "predict", "--model", str(model), "--table", str(table), "--out", str(out),
         "--explain", "--top", "2"],
    )  # fmt: skip

    assert fitted.exit_code == 0, fitted.output
    assert "400 customers" in fitted.stdout and "skipped customer_id" in fitted.stdout
    assert "not registered (no database at" in fitted.stdout
    assert scored.exit_code == 0, scored.output
    predictions = pd.read_csv(out)
    assert list(predictions.columns) == [
        "customer_id", "churn_probability", "driver_1", "driver_2"
    ]  # fmt: skip
    assert predictions["customer_id"].iloc[0] == "C00000"
    assert predictions["churn_probability"].between(0, 1).all()
    assert predictions["driver_1"].str.contains("churn risk").all()


def test_fit_with_time_predicts_monotone_horizons_with_intervals_on_a_small_book(
    tmp_path: Path,
) -> None:
    table = write_table(customer_table(60, seed=22), tmp_path / "small.csv")
    model, out = tmp_path / "h.joblib", tmp_path / "p.csv"

    fitted = runner.invoke(
        app,
        ["churn", "fit", "--table", str(table), "--label", "churned", "--time", "tenure_months",
         "--time-unit", "months", "--id", "customer_id", "--model", str(model), "--json"],
    )  # fmt: skip
    scored = runner.invoke(
        app,
        ["churn", "predict", "--model", str(model), "--table", str(table), "--out", str(out),
         "--horizons", "30,60,90"],
    )  # fmt: skip

    assert fitted.exit_code == 0, fitted.output
    report = json.loads(fitted.stdout)
    assert report["summary"]["small_book"] is True
    assert set(report["metrics"]) == {"30d", "60d", "90d"}
    assert "note: small book (60 customers" in fitted.stderr
    predictions = pd.read_csv(out)
    p30, p60, p90 = (predictions[f"churn_probability_{h}d"] for h in (30, 60, 90))
    assert ((p30 <= p60) & (p60 <= p90)).all()
    assert (
        predictions["churn_probability_90d_low"] <= predictions["churn_probability_90d_high"]
    ).all()  # noqa: E501
    assert scored.exit_code == 0, scored.output


def test_predict_without_the_time_column_scores_from_the_start_with_a_note(
    table: Path, tmp_path: Path
) -> None:
    model = tmp_path / "h.joblib"
    runner.invoke(
        app,
        ["churn", "fit", "--table", str(table), "--label", "churned", "--time", "tenure_months",
         "--time-unit", "months", "--learner", "linear", "--model", str(model)],
    )  # fmt: skip
    new_customers = write_table(
        pd.read_csv(table).drop(columns=["tenure_months", "churned"]), tmp_path / "new.csv"
    )

    result = runner.invoke(
        app,
        ["churn", "predict", "--model", str(model), "--table", str(new_customers), "--out", "-"],
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        "customer_id,churn_probability_30d,churn_probability_60d,churn_probability_90d"
    )
    assert "no 'tenure_months' column: probabilities are from the start" in result.stderr


def test_evaluate_prints_cross_validated_metrics_as_json(table: Path) -> None:
    result = runner.invoke(
        app,
        ["churn", "evaluate", "--table", str(table), "--label", "churned", "--cv", "3",
         "--learner", "linear"],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["folds"] == 3 and document["customers"] == 400
    assert set(document["metrics"]["churn"]) >= {
        "roc_auc", "pr_auc", "brier", "calibration_error"
    }  # fmt: skip


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Good and bad tables, and a model trained without a time column."""
    folder = tmp_path_factory.mktemp("inputs")
    frame = customer_table(80, seed=23)
    paths = {
        "good": write_table(frame, folder / "good.csv"),
        "one_class": write_table(frame.assign(churned="No"), folder / "one.csv"),
        "no_features": write_table(
            frame[["customer_id", "churned"]].assign(same="x"), folder / "nofeat.csv"
        ),
        "binary": folder / "binary.csv",
        "model": folder / "plain.joblib",
    }
    paths["binary"].write_bytes(b"\xff\xfe\x00\x01garbage\x00\xff")
    table = TableSpec(paths["good"], "churned").read()
    classifier = ChurnClassifier(learner="linear", uncertainty="none")
    classifier.fit(table.features, table.churned)
    save_model(
        ChurnModelFile(classifier, "churned", None, TimeUnit.DAYS, "customer_id", "good.csv"),
        paths["model"],
    )
    return {name: str(path) for name, path in paths.items()}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["fit", "--table", "{good}", "--label", "Churn", "--model", "m"], "has no column 'Churn'"),
        (["fit", "--table", "{one_class}", "--label", "churned", "--model", "m"], "one class only"),
        (["fit", "--table", "{good}", "--label", "churned", "--time", "tenure_months",
          "--time-unit", "weeks", "--model", "m"], "unknown time unit 'weeks'"),
        (["fit", "--table", "{binary}", "--label", "churned", "--model", "m"],
         "is not a readable CSV"),
        (["fit", "--table", "{no_features}", "--label", "churned", "--model", "m"],
         "no usable feature column"),
        (["fit", "--table", "{good}", "--label", "churned"], "give --model FILE"),
        (["evaluate", "--table", "{good}", "--label", "nope"], "has no column 'nope'"),
        (["predict", "--model", "{good}", "--table", "{good}", "--out", "x.csv"],
         "is not a model file"),
        (["predict", "--table", "{good}", "--out", "x.csv"], "give --model FILE"),
        (["predict", "--model", "{model}", "--table", "{good}", "--out", "x.csv",
          "--horizons", "30"], "trained without a time column"),
        (["predict", "--model", "{model}", "--table", "{good}", "--out", "x.csv",
          "--horizons", "thirty"], "expected days separated by commas"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_with_exit_code_2(
    inputs: dict[str, str], args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["churn", *(arg.format(**inputs) for arg in args)])

    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ")
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


@pytest.fixture
def migrated(database_factory: DatabaseFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands' database: a fresh one, migrated with `cspersona db upgrade`."""
    monkeypatch.setenv("CSPERSONA_DATABASE_URL", database_factory.create())
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0


@pytest.mark.usefixtures("migrated")
def test_on_a_migrated_database_fit_registers_and_predict_uses_the_latest(
    table: Path, tmp_path: Path
) -> None:
    fit = ["churn", "fit", "--table", str(table), "--label", "churned", "--learner", "linear"]

    first = runner.invoke(app, fit)
    second = runner.invoke(app, [*fit, "--model", str(tmp_path / "copy.joblib"), "--json"])
    listed = runner.invoke(app, ["models", "list", "--kind", "churn", "--json"])
    scored = runner.invoke(app, ["churn", "predict", "--table", str(table), "--out", "-"])

    assert first.exit_code == 0, first.output
    assert "registered as churn-v1" in first.stdout
    assert json.loads(second.stdout)["registered"] == "churn-v2"
    models = json.loads(listed.stdout)
    assert [model["tag"] for model in models] == ["churn-v1", "churn-v2"]
    assert models[1]["training_summary"]["customers"] == 400
    assert models[1]["params"]["label"] == "churned"
    assert "roc_auc" in models[1]["metrics"]["churn"]
    assert "seats" in models[1]["features"] and "customer_id" not in models[1]["features"]
    assert (tmp_path / "data" / "models" / "churn-v2.joblib").is_file()
    assert scored.exit_code == 0, scored.output
    assert scored.stdout.startswith("customer_id,churn_probability\n")


@pytest.mark.usefixtures("migrated")
def test_fit_prints_the_comparison_with_logistic_regression_and_registers_the_selection(
    table: Path,
) -> None:

    fitted = runner.invoke(
        app, ["churn", "fit", "--table", str(table), "--label", "churned"], terminal_width=200
    )
    listed = runner.invoke(app, ["models", "list", "--kind", "churn", "--json"])
    shown = runner.invoke(app, ["models", "list", "--kind", "churn"], terminal_width=200)

    assert fitted.exit_code == 0, fitted.output
    assert "held-out ROC-AUC against plain logistic regression (same folds)" in fitted.stdout
    assert "learner chosen by cross-validation on this table" in fitted.stdout
    selection = json.loads(listed.stdout)[0]["training_summary"]["selection"]
    assert set(selection["candidates"]) == {"linear", "spline", "boosted", "blend"}
    assert selection["baseline"]["model"] == "plain logistic regression"
    chosen = selection["candidates"].get(selection["chosen"], selection["baseline"]["roc_auc"])
    assert chosen["churn"] >= selection["baseline"]["roc_auc"]["churn"] - 0.01
    assert f"{chosen['churn']:.3f}" in shown.stdout and "logistic" in shown.stdout
