"""Do the ROI estimators tell the truth? Many small synthetic worlds with planted programme effects.

Each world is the life simulation alone (``World.lives``: no text, usage or NPS) with one
programme serving every archetype: half the worlds plant a churn reduction of varying size, half
none. The estimators of ``cspersona.roi`` read each world's complete 90-day windows (entries at
least 90 days before the world's last day) as a CSM team would, and are scored against the
world's truth (``docs/synthetic-world.md``, "Programmes and planted effects"):

* coverage of the nominal 90% intervals for the churn reduction (Newcombe) and for the
  retained-ARR ratio difference (delta method) (target 0.87-0.93); the latter also as the
  product shows it: only where each side has at least ``roi.effects.MIN_ARR_CHANGES`` customers
  whose ARR changed, with the share of worlds where it is shown;
* false-positive rate of the always-valid test at alpha 0.10 in the no-effect worlds, looked at
  every day an outcome arrived (target at most 0.10);
* bias and relative bias of the saved ARR (the retained-ARR difference times the treated ARR).

Retained ARR here is a customer's ARR at entry if it did not churn within the window, else 0:
the same definition as the truth's expected retained ARR, so the figure checks the estimator
and not a different estimand. Prints one JSON line per figure; the estimators are used as they
are (nothing here tunes them).

    .venv/bin/python benchmarks/bench_roi_validity.py                  # 200 worlds
    .venv/bin/python benchmarks/bench_roi_validity.py --worlds 400 --seed 515151
"""

import argparse
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from datetime import time as clock
from typing import TypeVar

import numpy as np

from cspersona.catalogue.models import Catalogue, load_catalogue
from cspersona.interventions.models import Arm
from cspersona.roi.effects import MIN_ARR_CHANGES
from cspersona.roi.intervals import Interval, churn_reduction, retained_arr_difference
from cspersona.roi.sequential import always_valid
from cspersona.synth.life import Entry, Life
from cspersona.synth.programmes import HORIZON
from cspersona.synth.spec import ProgrammeSpec, load_archetypes, load_world
from cspersona.synth.world import World

# Fresh seeds: none of the project's other benchmarks or tests use these.
DEFAULT_SEED = 424242
ResultT = TypeVar("ResultT")
CUSTOMERS = (150, 400)
EFFECTS = (0.2, 0.35, 0.5, 0.65, 0.8)
HELD_BACK_SHARE = 0.5
ALPHA = 0.10
CUSTOMERS_PER_SCALE = 250  # world.yaml: 50 customers per archetype, 5 archetypes


@dataclass(frozen=True)
class Observed:
    """One complete entry as the estimators see it, beside its truth."""

    arm: Arm
    churned: bool
    arr: float
    outcome_day: datetime
    churn_probability_held_back: float
    churn_probability_treated: float


@dataclass(frozen=True)
class WorldResult:
    """One world's estimates against its truth (None where an estimator had too little)."""

    effect: float
    entries: int
    churn_truth: float
    churn_interval: Interval | None
    arr_truth: float
    arr_interval: Interval | None
    saved_truth: float
    saved_estimate: float | None
    p_value: float | None
    # Whether the product would show this retained-ARR figure (enough ARR changes each side).
    arr_shown: bool


def world(seed: int, customers: int, effect: float, catalogue: Catalogue) -> World:
    """A world of about ``customers`` whose one programme takes every noticed episode."""
    spec = load_world()
    programme = ProgrammeSpec(
        playbook="Benchmark programme",
        archetypes=[archetype.key for archetype in load_archetypes()],
        notice_weeks=3,
        entry_probability=1.0,
        held_back_share=HELD_BACK_SHARE,
        churn_reduction=effect,
        expansion_lift=0.0,
    )
    return World(
        seed=seed,
        scale=customers / CUSTOMERS_PER_SCALE,
        catalogue=catalogue,
        spec=spec.model_copy(update={"programmes": [programme]}),
    )


def observe(simulated: World) -> list[Observed]:
    """Every entry whose 90-day window ends inside the world, with its outcome and truth."""
    last = datetime.combine(simulated.window_end, clock(23, 59), tzinfo=UTC)
    found: list[Observed] = []
    for _, life in simulated.lives():
        for entry in life.entries:
            if entry.at + HORIZON <= last:
                found.append(_observed(simulated, life, entry))
    return found


def _observed(simulated: World, life: Life, entry: Entry) -> Observed:
    churned = life.churned_at is not None and entry.at < life.churned_at <= entry.at + HORIZON
    return Observed(
        arm=entry.arm,
        churned=churned,
        arr=simulated.annual_value(entry.contract),
        outcome_day=entry.at + HORIZON,
        churn_probability_held_back=entry.churn_probability_held_back,
        churn_probability_treated=entry.churn_probability_treated,
    )


def score(effect: float, entries: list[Observed]) -> WorldResult:
    """The estimators on one world's entries, and the truth they target."""
    treated = [entry for entry in entries if entry.arm is Arm.TREATED]
    held_back = [entry for entry in entries if entry.arm is Arm.HELD_BACK]
    gains = [e.churn_probability_held_back - e.churn_probability_treated for e in entries]
    total_arr = sum(entry.arr for entry in entries)
    saved_truth = sum(
        e.arr * (e.churn_probability_held_back - e.churn_probability_treated) for e in treated
    )
    churn_interval = _attempt(
        lambda: churn_reduction(
            sum(e.churned for e in held_back),
            len(held_back),
            sum(e.churned for e in treated),
            len(treated),
        )
    )
    arr_interval = _attempt(
        lambda: retained_arr_difference(
            [e.arr for e in treated],
            [_retained(e) for e in treated],
            [e.arr for e in held_back],
            [_retained(e) for e in held_back],
        )
    )
    sequential = _attempt(
        lambda: always_valid(
            [float(e.churned) for e in treated],
            [e.outcome_day.date() for e in treated],
            [float(e.churned) for e in held_back],
            [e.outcome_day.date() for e in held_back],
        )
    )
    treated_arr = sum(entry.arr for entry in treated)
    return WorldResult(
        effect=effect,
        entries=len(entries),
        churn_truth=float(np.mean(gains)) if gains else 0.0,
        churn_interval=churn_interval,
        arr_truth=sum(e.arr * g for e, g in zip(entries, gains, strict=True)) / total_arr
        if total_arr
        else 0.0,
        arr_interval=arr_interval,
        saved_truth=saved_truth,
        saved_estimate=arr_interval.estimate * treated_arr if arr_interval else None,
        # Too few outcomes, or none that differ: the test never looked, so never rejected.
        p_value=sequential.p_value if sequential else 1.0,
        arr_shown=all(
            sum(e.churned for e in arm) >= MIN_ARR_CHANGES for arm in (treated, held_back)
        ),
    )


def _retained(entry: Observed) -> float:
    return 0.0 if entry.churned else entry.arr


def _attempt(estimate: Callable[[], ResultT]) -> ResultT | None:
    """An estimator's result, or None when the world gave it too little (an empty arm)."""
    try:
        return estimate()
    except ValueError:
        return None


def run(seed: int, worlds: int, *, customers: tuple[int, int] = CUSTOMERS) -> Iterator[WorldResult]:
    """``worlds`` worlds: the even ones with a planted effect, the odd ones with none."""
    catalogue = load_catalogue()
    sizes = np.random.default_rng(seed).integers(customers[0], customers[1] + 1, size=worlds)
    for number in range(worlds):
        effect = EFFECTS[(number // 2) % len(EFFECTS)] if number % 2 == 0 else 0.0
        simulated = world(seed + number, int(sizes[number]), effect, catalogue)
        yield score(effect, observe(simulated))


def figures(results: list[WorldResult]) -> list[dict[str, object]]:
    """The benchmark's figures, one dict per JSON line."""
    null = [r for r in results if r.effect == 0]
    planted = [r for r in results if r.effect > 0 and r.saved_estimate is not None]
    errors = [r.saved_estimate - r.saved_truth for r in planted if r.saved_estimate is not None]
    truth = float(np.mean([r.saved_truth for r in planted])) if planted else 0.0
    bias = float(np.mean(errors)) if errors else 0.0
    return [
        {"figure": "coverage_churn_reduction", **_coverage(results, "churn")},
        {"figure": "coverage_retained_arr", **_coverage(results, "arr")},
        {
            "figure": "coverage_retained_arr_as_shown",
            **_coverage([r for r in results if r.arr_shown], "arr"),
            "shown_share": _share([r.arr_shown for r in results]),
        },
        {
            "figure": "false_positive_rate_always_valid",
            "value": _share([r.p_value is not None and r.p_value < ALPHA for r in null]),
            "alpha": ALPHA,
            "target_at_most": ALPHA,
            "worlds": len(null),
        },
        {
            "figure": "saved_arr_bias",
            "bias_usd": round(bias, 2),
            "bias_standard_error_usd": round(
                float(np.std(errors, ddof=1) / np.sqrt(len(errors))), 2
            )
            if len(errors) > 1
            else None,
            "relative_bias": round(bias / truth, 4) if truth else None,
            "mean_truth_usd": round(truth, 2),
            "worlds": len(planted),
        },
    ]


def _coverage(results: list[WorldResult], estimand: str) -> dict[str, object]:
    """How often the interval for ``estimand`` (churn or arr) covers its truth, by kind too."""
    hits = [
        (result.effect > 0, interval.covers(truth))
        for result in results
        for interval, truth in [_interval_and_truth(result, estimand)]
        if interval is not None
    ]
    return {
        "value": _share([hit for _, hit in hits]),
        "target": [0.87, 0.93],
        "worlds": len(hits),
        "planted": _share([hit for planted, hit in hits if planted]),
        "no_effect": _share([hit for planted, hit in hits if not planted]),
    }


def _interval_and_truth(result: WorldResult, estimand: str) -> tuple[Interval | None, float]:
    if estimand == "churn":
        return result.churn_interval, result.churn_truth
    return result.arr_interval, result.arr_truth


def _share(flags: list[bool]) -> float | None:
    return round(sum(flags) / len(flags), 4) if flags else None


def main() -> None:
    """Run the worlds and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=200)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    arguments = parser.parse_args()
    started = time.perf_counter()
    results = list(run(arguments.seed, arguments.worlds))
    for figure in figures(results):
        print(json.dumps({"benchmark": "roi_validity", **figure}), flush=True)
    print(
        json.dumps(
            {
                "benchmark": "roi_validity",
                "figure": "run",
                "worlds": len(results),
                "mean_entries": round(float(np.mean([r.entries for r in results])), 1),
                "seed": arguments.seed,
                "seconds": round(time.perf_counter() - started, 1),
                "load_average": round(os.getloadavg()[0], 2),
            }
        )
    )


if __name__ == "__main__":
    main()
