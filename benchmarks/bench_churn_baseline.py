"""Does the default churn model (``learner="auto"``) ever lose to plain logistic regression?

IBM Telco, held out: the default model, which chooses its learner by cross-validation inside
the training rows only, against plain logistic regression (``learner="logistic"``, the same
features and calibration) trained on the same rows and scored on the same held-out customers.

* ``split``: fixed 70/30 stratified splits (seeds 0, 1, 2, ...);
* ``subsample``: small books of 300, 1,000 and 2,000 random customers, scored on 2,000 others.

Both with one probability per customer (``no_time``) and per horizon with ``tenure`` (months)
as the time column (``horizons``, 30/60/90 days = 1/2/3 months; ``TotalCharges`` dropped because
it accumulates with tenure). One JSON line per figure (ROC-AUC and Brier of both, the gap), then
a summary line with the worst and mean gap. Targets (issue 18): gap >= -0.01 everywhere, mean
gap >= +0.01.

Run: ``.venv/bin/python benchmarks/bench_churn_baseline.py [--modes no_time,horizons]``.
"""

import argparse
import json
import os
import time
from collections.abc import Callable

import numpy as np
from sklearn.model_selection import train_test_split

from cspersona.db.documents import json_ready
from cspersona.predict.classifier import ChurnClassifier
from cspersona.predict.estimator import ChurnEstimator
from cspersona.predict.survival import DiscreteTimeChurnModel
from cspersona.predict.table import CustomerTable, TableSpec, TimeUnit
from shared_datasets import require_dataset

TELCO = "churn/telco-customer-churn.csv"
SUBSAMPLES = (300, 1000, 2000)
SUBSAMPLE_TEST = 2000

Factory = Callable[[str], ChurnEstimator]
Sample = tuple[str, int, np.ndarray, np.ndarray]  # kind, seed, train rows, test rows


def emit(**figures: object) -> None:
    """One JSON line."""
    line = {"benchmark": "churn_baseline", "dataset": "telco", **figures}
    print(json.dumps(json_ready(line)), flush=True)


def samples(churned: np.ndarray, splits: int, repeats: int) -> list[Sample]:
    """Fixed 70/30 stratified splits, then random small books scored on other customers."""
    everyone = np.arange(len(churned))
    found: list[Sample] = []
    for seed in range(splits):
        train, test = train_test_split(everyone, test_size=0.3, stratify=churned, random_state=seed)
        found.append(("split_70_30", seed, train, test))
    for size in SUBSAMPLES:
        for seed in range(repeats):
            order = np.random.default_rng(seed).permutation(everyone)
            found.append((f"subsample_{size}", seed, order[:size], order[-SUBSAMPLE_TEST:]))
    return found


def compare(mode: str, table: CustomerTable, factory: Factory, sample: Sample) -> list[float]:
    """Fit the default and the baseline on one sample; emit each target's figures; the gaps."""
    kind, seed, train, test = sample
    fitted = {}
    for learner in ("auto", "logistic"):
        started = time.perf_counter()
        model = factory(learner).fit(table.features.iloc[train], table.target[train])
        figures = model.evaluate(table.features.iloc[test], table.target[test])
        fitted[learner] = (model, figures, time.perf_counter() - started)
    (default, ours, seconds), (_, baseline, _) = fitted["auto"], fitted["logistic"]
    gaps = []
    for target, metrics in ours.items():
        gap = float(metrics["roc_auc"]) - float(baseline[target]["roc_auc"])
        gaps.append(gap)
        emit(
            mode=mode,
            sample=kind,
            seed=seed,
            train_customers=len(train),
            train_churned=int(table.churned[train].sum()),
            test_customers=len(test),
            target=target,
            chosen=default.learner_name_,
            roc_auc=metrics["roc_auc"],
            baseline_roc_auc=baseline[target]["roc_auc"],
            gap=gap,
            brier=metrics["brier"],
            baseline_brier=baseline[target]["brier"],
            calibration_error=metrics["calibration_error"],
            rows=metrics["rows"],
            seconds=seconds,
        )
    return gaps


def run(mode: str, splits: int, repeats: int) -> list[float]:
    """Every sample of one mode; the gaps of every target."""
    path = require_dataset(TELCO)
    if mode == "horizons":
        spec = TableSpec(path, "Churn", "tenure", TimeUnit.MONTHS, "customerID", ("TotalCharges",))
        factory: Factory = lambda learner: DiscreteTimeChurnModel(  # noqa: E731
            learner=learner, uncertainty="none"
        )
    else:
        spec = TableSpec(path, "Churn", id_column="customerID")
        factory = lambda learner: ChurnClassifier(learner=learner, uncertainty="none")  # noqa: E731
    table = spec.read()
    gaps: list[float] = []
    for sample in samples(table.churned, splits, repeats):
        gaps.extend(compare(mode, table, factory, sample))
    return gaps


def main() -> None:
    """Run the modes asked for and print the worst and mean gap."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", default="no_time,horizons")
    parser.add_argument("--splits", type=int, default=3, help="fixed 70/30 splits per mode")
    parser.add_argument("--repeats", type=int, default=2, help="random draws per subsample size")
    args = parser.parse_args()
    started = time.perf_counter()
    gaps: list[float] = []
    for mode in args.modes.split(","):
        gaps.extend(run(mode, args.splits, args.repeats))
    emit(
        summary=True,
        modes=args.modes.split(","),
        figures=len(gaps),
        worst_gap=min(gaps),
        mean_gap=float(np.mean(gaps)),
        targets_met=min(gaps) >= -0.01 and float(np.mean(gaps)) >= 0.01,
        seconds=time.perf_counter() - started,
        load_average=os.getloadavg(),
    )


if __name__ == "__main__":
    main()
