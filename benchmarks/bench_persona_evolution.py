"""Predicted persona evolution against planted drift: one JSON line per world, then the worst.

Each world is generated with planted drift (``cspersona generate --drift``: a share of the
customers start to write like another archetype on a recorded day), imported through ingestion and
analysed; personas are built and the 90-day forecast made as of ``T`` = 90 days before the world
ends, from data before ``T`` only. The truth 90 days on is the persona right for the archetype
each customer writes like on ``T`` + 90 (the drifted one once the drift day has passed): for each
archetype, the persona holding most of the customers who wrote like it on ``T``.

Figures, for customers still active on ``T`` + 90:
- ``log_loss``: of the forecast against the right persona on ``T`` + 90; ``no_change_log_loss``
  the same for the "no change" forecast (the current persona with the book's stay rate, the rest
  spread evenly), the baseline the forecast must beat;
- ``roc_auc``: how well the chance of leaving the current persona ranks the customers whose right
  persona on ``T`` + 90 differs from their persona on ``T``; the no-change forecast ranks nobody
  (0.5), so ``confidence_roc_auc`` gives a stronger baseline: one minus the persona confidence.

Topics are discovered once over all the world's messages, later ones included (as the pipeline
does on import); everything the personas and the forecast read is cut at ``T``.

    PYTHONPATH=benchmarks .venv/bin/python benchmarks/bench_persona_evolution.py --seeds 11 12 13
"""

import argparse
import json
import os
import statistics
import tempfile
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import orjson
import pandas as pd
from sklearn.metrics import log_loss, roc_auc_score
from sqlalchemy import select

from cspersona.config import Settings, load_settings
from cspersona.customers.models import Customer
from cspersona.db.engine import make_engine, make_session_factory, session_scope
from cspersona.personas.artifact import latest_artifact
from cspersona.personas.build import build_personas
from cspersona.personas.evolution import HORIZON_DAYS, ViewReader, fit_outlook, no_change
from cspersona.personas.features import features_of
from cspersona.pipeline.stages import STAGES
from cspersona.synth.spec import load_world as load_world_spec
from user_path import WORLD_FOLDER, load_world

DRIFT_SHARE = 0.3
BEFORE_PERSONAS = [
    (name, stage) for name, stage in STAGES if name in ("nlp", "topics", "analytics")
]
SMALLEST = 1e-6
SECRET = "b" * 32


def truth_table(folder: Path) -> pd.DataFrame:
    """Each customer's archetype, drift day and drifted archetype, by external id."""
    lines = (folder / WORLD_FOLDER / "truth" / "customers.jsonl").read_bytes().splitlines()
    rows = [orjson.loads(line) for line in lines]
    frame = pd.DataFrame(rows).set_index("external_id")
    frame["drifted_on"] = pd.to_datetime(frame["drifted_on"]).dt.date
    frame["churned_at"] = pd.to_datetime(frame["churned_at"], utc=True)
    return frame


def archetype_on(truth: pd.DataFrame, day: date) -> pd.Series:
    """The archetype each customer writes like on ``day``."""
    drifted = truth["drifted_on"].notna() & (truth["drifted_on"] <= day)
    return truth["drifted_to"].where(drifted, truth["archetype"])


def right_personas(persona_now: pd.Series, archetype_now: pd.Series) -> dict[str, int]:
    """Each archetype's persona: the one holding most of the customers who write like it now."""
    frame = pd.DataFrame({"persona": persona_now, "archetype": archetype_now})
    return (
        frame.groupby("archetype")["persona"]
        .agg(lambda column: column.value_counts().index[0])
        .to_dict()
    )


def scored(forecast: pd.DataFrame, right: pd.Series, current: pd.Series) -> tuple[float, float]:
    """Log-loss against the right persona on ``T`` + 90; ROC-AUC of leaving the current one."""
    probabilities = forecast[sorted(forecast.columns)].clip(lower=SMALLEST)
    probabilities = probabilities.div(probabilities.sum(axis=1), axis=0)
    loss = log_loss(right, probabilities.to_numpy(), labels=list(probabilities.columns))
    staying = [probabilities.at[customer, current[customer]] for customer in forecast.index]
    moved = (right != current).to_numpy()
    auc = roc_auc_score(moved, 1 - np.array(staying)) if 0 < moved.sum() < len(moved) else np.nan
    return float(loss), float(auc)


def prepared(seed: int, scale: float, folder: Path) -> Settings:
    """A drifting world imported and analysed under ``folder``, reused when already there."""
    if (folder / "data" / "cspersona.db").exists():
        return load_settings(data_dir=folder / "data", secret_key=SECRET)
    return load_world(
        folder,
        seed=seed,
        scale=scale,
        secret_key=SECRET,
        stages=BEFORE_PERSONAS,
        drift_share=DRIFT_SHARE,
    )


def bench(seed: int, scale: float, folder: Path) -> dict[str, object]:
    """Forecast a drifting world as of T, score against the truth on T + 90."""
    settings = prepared(seed, scale, folder)
    cut = load_world_spec().window_end - timedelta(days=HORIZON_DAYS)
    as_of = datetime.combine(cut, time(0), tzinfo=UTC)
    later = cut + timedelta(days=HORIZON_DAYS)
    truth = truth_table(folder)
    engine = make_engine(settings.sqlalchemy_url)
    with session_scope(make_session_factory(engine)) as db_session:
        at_cut = settings.model_copy(update={"as_of": as_of})
        build_personas(db_session=db_session, settings=at_cut, as_of=as_of)
        _registered, artifact = latest_artifact(db_session=db_session, settings=at_cut)
        reader = ViewReader(db_session=db_session, artifact=artifact, as_of=as_of)
        model = fit_outlook(reader, as_of)
        views = reader.views(as_of)
        forecast = model.predict(views)
        baseline = no_change(views.lifetime, model.stay_rate)
        confidence = pd.Series(artifact.model.confidence(artifact_frame(reader, as_of)))
        external = dict(db_session.execute(select(Customer.id, Customer.external_id)).all())
    engine.dispose()
    active = truth["churned_at"].isna() | (truth["churned_at"] > pd.Timestamp(later, tz=UTC))
    forecast.index = baseline.index = [external[customer] for customer in forecast.index]
    confidence.index = forecast.index
    kept = [customer for customer in forecast.index if active.get(customer, False)]
    persona_now = views.lifetime.idxmax(axis=1)
    persona_now.index = forecast.index
    persona_of = right_personas(persona_now, archetype_on(truth, cut).reindex(persona_now.index))
    right = archetype_on(truth, later)[kept].map(persona_of)
    current = persona_now[kept]
    loss, auc = scored(forecast.loc[kept], right, current)
    base_loss, _ = scored(baseline.loc[kept], right, current)
    moved = (right != current).to_numpy()
    drift_days = truth.loc[kept, "drifted_on"]
    return {
        "benchmark": "persona_evolution",
        "seed": seed,
        "scale": scale,
        "drift_share": DRIFT_SHARE,
        "as_of": cut.isoformat(),
        "customers": len(kept),
        "drifted_before_cut": int((drift_days.notna() & (drift_days <= cut)).sum()),
        "drifting_within_horizon": int(
            (drift_days.notna() & (drift_days > cut) & (drift_days <= later)).sum()
        ),
        "right_persona_changes": int(moved.sum()),
        "learned_from": model.examples,
        "log_loss": round(loss, 4),
        "no_change_log_loss": round(base_loss, 4),
        "roc_auc": round(auc, 4),
        "confidence_roc_auc": round(float(roc_auc_score(moved, 1 - confidence[kept])), 4),
        "load_average": round(os.getloadavg()[0], 2),
    }


def artifact_frame(reader: ViewReader, as_of: datetime) -> pd.DataFrame:
    """The persona model's input for every customer as of ``as_of``."""
    return reader.artifact.aligned(features_of(reader.records.before(as_of), reader.names))


def main() -> None:
    """Parse the arguments, run each world, print a line per world and the worst figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[11, 12, 13])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--cache", type=Path, help="keep each world under DIR/<seed> and reuse it next time"
    )
    arguments = parser.parse_args()
    results = []
    for seed in arguments.seeds:
        with tempfile.TemporaryDirectory() as scratch:
            folder = arguments.cache / str(seed) if arguments.cache else Path(scratch)
            result = bench(seed, arguments.scale, folder)
        results.append(result)
        print(json.dumps(result), flush=True)
    gaps = [float(r["no_change_log_loss"]) - float(r["log_loss"]) for r in results]
    print(
        json.dumps(
            {
                "benchmark": "persona_evolution_summary",
                "seeds": arguments.seeds,
                "worst_log_loss_gain_over_no_change": round(min(gaps), 4),
                "median_log_loss_gain_over_no_change": round(statistics.median(gaps), 4),
                "worst_roc_auc": min(float(r["roc_auc"]) for r in results),
                "best_confidence_roc_auc": max(float(r["confidence_roc_auc"]) for r in results),
            }
        )
    )


if __name__ == "__main__":
    main()
