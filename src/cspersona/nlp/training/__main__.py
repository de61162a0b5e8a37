"""``python -m cspersona.nlp.training DATASETS_DIR``: rebuild the packaged linear model."""

import time
from pathlib import Path

import joblib
import typer

from cspersona.nlp.textmodels import MODEL_PATH
from cspersona.nlp.training.build import (
    banking77_examples,
    fit_model,
    goemotions_examples,
    phrase_examples,
    world_examples,
)


def main(
    datasets: Path = typer.Argument(
        ..., help="The shared datasets folder (emotion/goemotions-*, topics/banking77-train.csv)."
    ),
    out: Path = typer.Option(MODEL_PATH, help="Where to write the model."),
) -> None:
    """Train sentiment and emotion heads and write them as one joblib file.

    Example: python -m cspersona.nlp.training ../shared/datasets
    """
    started = time.perf_counter()
    examples = (
        goemotions_examples(datasets / "emotion")
        + banking77_examples(datasets / "topics" / "banking77-train.csv")
        + phrase_examples()
        + world_examples()
    )
    model = fit_model(examples)
    joblib.dump(model, out, compress=3)
    size = out.stat().st_size / 1e6
    typer.echo(
        f"wrote {out} ({size:.1f} MB) from {len(examples)} examples "
        f"in {time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    typer.run(main)
