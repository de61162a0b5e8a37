"""Expansion on generated worlds: held-out likelihood and next-feature suggestions, per seed.

For each world (``--seeds``, dev seeds below 1000; ``--scale``) in a temporary SQLite database,
messages analysed from their truth labels:

* ``likelihood``: the product's expansion model (snapshot features plus the expansion signals)
  scored on held-out customers in 5 grouped folds; ROC-AUC, Brier and calibration against the
  truth's expansion dates within 90 days of each cutoff (target ROC-AUC >= 0.75). The same folds
  score the churn snapshot features alone, the baseline the signals must beat.
* ``next_feature``: at every cutoff from the middle one on, for customers that start using a
  feature within the next 120 days that they did not use in the 90 days before: is the top
  suggestion among those features (top-1), or one of the top three, against the most popular
  features the customer does not use (target: top-1 five points above them).

Prints one JSON line per seed, then the mean over seeds.
Run: ``.venv/bin/python benchmarks/bench_expansion.py --seeds 11,23,101``.
"""

import argparse
import json
import tempfile
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedGroupKFold
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cspersona.analytics.evaluation import TruthCollector, add_truth_analysis
from cspersona.catalogue.models import load_catalogue
from cspersona.customers.models import Customer
from cspersona.db import migrate
from cspersona.db.documents import json_ready
from cspersona.db.engine import make_engine
from cspersona.predict.expansion import (
    adoption_matrix,
    expansion_dates,
    expansion_labels,
    fit_expansion_model,
    next_feature_scores,
)
from cspersona.predict.expansion_features import expansion_table
from cspersona.predict.metrics import binary_metrics
from cspersona.predict.training_set import CENSORED, TrainingSet, build_training_set, lifelines
from cspersona.synth.loader import DatabaseSink
from cspersona.synth.service import generate
from cspersona.synth.world import World

FOLDS = 5
SPLIT_SEED = 0
ADOPTION_DAYS = 120
TOP = 3


def emit(**figures: object) -> None:
    """One JSON line, floats rounded."""
    print(json.dumps(json_ready({"benchmark": "expansion", **figures})), flush=True)


def world_figures(seed: int, scale: float) -> dict[str, Any]:
    """Likelihood and next-feature figures for one generated world."""
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/world.db")
        migrate.upgrade(engine)
        truth = TruthCollector()
        _generate(engine, truth, seed, scale)
        with Session(engine) as db_session:
            add_truth_analysis(db_session=db_session, message_truth=truth.by_id("messages"))
            db_session.commit()
            training = build_training_set(db_session=db_session)
            data_end = lifelines(db_session=db_session).data_end
            table = expansion_table(
                training, expansion_dates(db_session=db_session), db_session=db_session
            )
            customers = dict(db_session.execute(select(Customer.id, Customer.external_id)).all())
            cutoffs = sorted(set(training.cutoffs))
            cutoffs = [c for c in cutoffs[len(cutoffs) // 2 :] if c < data_end]
            before = {c: adoption_matrix(db_session=db_session, as_of=c) for c in cutoffs}
            after = {
                c: adoption_matrix(
                    db_session=db_session,
                    days=ADOPTION_DAYS,
                    as_of=min(c + timedelta(days=ADOPTION_DAYS), data_end),
                )
                for c in cutoffs
            }
        engine.dispose()
    labels = expansion_labels(training, _truth_dates(truth, customers), data_end)
    return {**likelihood(training, table, labels), **next_feature(before, after)}


def _generate(engine: Engine, truth: TruthCollector, seed: int, scale: float) -> None:
    world = World(seed=seed, scale=scale, catalogue=load_catalogue())
    with DatabaseSink(engine) as sink:
        generate(world=world, sinks=[sink, truth])


def _truth_dates(
    truth: TruthCollector, customers: dict[int, str | None]
) -> dict[int, list[datetime]]:
    known = truth.by_id("customers")
    return {
        customer_id: [_moment(value) for value in known[external].get("expansion_dates") or []]
        for customer_id, external in customers.items()
        if external in known
    }


def _moment(value: object) -> datetime:
    """A truth file's date or datetime as an aware UTC datetime."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def likelihood(training: TrainingSet, table: pd.DataFrame, labels: np.ndarray) -> dict[str, Any]:
    """Held-out metrics of the model with the expansion signals and on churn features alone."""
    known = labels != CENSORED
    ever = pd.Series(labels == 1).groupby(training.customer_ids).transform("max").to_numpy()
    tables = {"with_signals": table, "churn_features_only": training.features}
    probability = {name: np.full(len(labels), np.nan) for name in tables}
    splitter = StratifiedGroupKFold(FOLDS, shuffle=True, random_state=SPLIT_SEED)
    for train, test in splitter.split(np.empty((len(labels), 0)), ever, training.customer_ids):
        train = train[known[train]]
        for name, frame in tables.items():
            model = fit_expansion_model(
                frame.iloc[train], labels[train], training.customer_ids[train]
            )
            probability[name][test] = model.predict_proba(frame.iloc[test])[:, 1]
    return {
        "snapshots": int(known.sum()),
        "expanded": int((labels == 1).sum()),
        **{
            name: binary_metrics(labels[known], values[known])
            for name, values in probability.items()
        },
    }


def next_feature(
    before: dict[datetime, pd.DataFrame], after: dict[datetime, pd.DataFrame]
) -> dict[str, Any]:
    """Top-1 and top-3 hits of the suggestions and of the most popular unused features."""
    hits = {"top1": 0, "top3": 0, "popular_top1": 0, "popular_top3": 0}
    asked = 0
    for cutoff, used in before.items():
        scores = next_feature_scores(used)
        popularity = used.mean().sort_values(ascending=False, kind="stable")
        for customer_id in used.index.intersection(after[cutoff].index):
            new = {
                feature
                for feature, adopted in after[cutoff].loc[customer_id].items()
                if adopted and not used.loc[customer_id].get(feature, False)
            }
            if not new:
                continue
            asked += 1
            ranked = scores.loc[customer_id].dropna().sort_values(ascending=False, kind="stable")
            suggested = list(ranked.index[:TOP])
            popular = [f for f in popularity.index if not used.loc[customer_id, f]][:TOP]
            hits["top1"] += bool(suggested[:1] and suggested[0] in new)
            hits["top3"] += bool(set(suggested) & new)
            hits["popular_top1"] += bool(popular[:1] and popular[0] in new)
            hits["popular_top3"] += bool(set(popular) & new)
    return {
        "next_feature_cases": asked,
        **{f"next_feature_{name}": count / max(asked, 1) for name, count in hits.items()},
    }


def main() -> None:
    """One line per seed, then the means."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="11,23,101", help="dev world seeds (below 1000)")
    parser.add_argument("--scale", type=float, default=1.0)
    arguments = parser.parse_args()
    rows = []
    for seed in (int(value) for value in arguments.seeds.split(",")):
        rows.append(world_figures(seed, arguments.scale))
        emit(seed=seed, scale=arguments.scale, **rows[-1])
    emit(
        seeds=arguments.seeds,
        mean={
            "roc_auc_with_signals": np.mean([r["with_signals"]["roc_auc"] for r in rows]),
            "roc_auc_churn_features_only": np.mean(
                [r["churn_features_only"]["roc_auc"] for r in rows]
            ),
            **{
                key: np.mean([r[key] for r in rows])
                for key in rows[0]
                if key.startswith("next_feature_") and key != "next_feature_cases"
            },
        },
    )


if __name__ == "__main__":
    main()
