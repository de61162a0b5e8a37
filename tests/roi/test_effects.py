"""Effects pooled across playbooks: strata weighted by size, honest when a side saw no churn."""

from datetime import date

import numpy as np

from cspersona.interventions.models import Arm
from cspersona.roi.effects import Unit, by_playbook


def _units(playbook: str, arm: Arm, churned: list[bool]) -> list[Unit]:
    return [
        Unit(
            customer_id=n,
            playbook=playbook,
            arm=arm,
            entered_on=date(2025, 4, 1 + n % 28),
            window_end=date(2025, 7, 1 + n % 28),
            churned=lost,
            arr_start=10_000.0,
            arr_end=0.0 if lost else 10_000.0,
            sentiment_before=None,
        )
        for n, lost in enumerate(churned)
    ]


def test_held_back_sides_with_no_churn_do_not_make_the_pooled_interval_certain() -> None:
    measured = [
        *_units("Rescue", Arm.TREATED, [True] * 2 + [False] * 28),
        *_units("Rescue", Arm.HELD_BACK, [False] * 11),
        *_units("Check-in", Arm.TREATED, [True] + [False] * 18),
        *_units("Check-in", Arm.HELD_BACK, [False] * 7),
    ]

    pooled = by_playbook(measured)[0]

    assert pooled.churn_reduction is not None
    assert pooled.churn_reduction.estimate < 0
    assert pooled.churn_reduction.covers(0.0)


def test_the_pooled_interval_covers_no_effect_nine_times_in_ten_on_small_strata() -> None:
    rng = np.random.default_rng(20261208)
    covered = 0
    repetitions = 300
    for _ in range(repetitions):
        measured = []
        for playbook, rate in (("Rescue", 0.08), ("Check-in", 0.15), ("Preview", 0.05)):
            measured += _units(playbook, Arm.TREATED, list(rng.random(30) < rate))
            measured += _units(playbook, Arm.HELD_BACK, list(rng.random(10) < rate))
        pooled = by_playbook(measured)[0]
        assert pooled.churn_reduction is not None
        covered += pooled.churn_reduction.covers(0.0)

    assert 0.87 <= covered / repetitions <= 0.97
