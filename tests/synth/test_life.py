from datetime import date

import pytest

from cspersona.catalogue.models import load_catalogue
from cspersona.synth.life import Contract, Episode, anniversaries, next_anniversary, simulate_life
from cspersona.synth.randomness import numpy_rng
from cspersona.synth.spec import load_archetypes, load_world
from cspersona.synth.traits import sample_traits


def test_an_episode_ramps_holds_and_fades_unless_it_ends_in_churn() -> None:
    fading = Episode(10, 4, 2, 4, 1.0, 1.0, 1.0, False, None, 0.3, 20)
    churning = Episode(10, 4, 2, 4, 1.0, 1.0, 1.0, False, 20, 0.3, 20)

    assert [fading.progress(week) for week in (9, 10, 13, 15, 16, 19, 30)] == [
        0.0, 0.25, 1.0, 1.0, 0.75, 0.0, 0.0,
    ]  # fmt: skip
    assert churning.progress(30) == 1.0
    assert fading.over(20) and not churning.over(40)


@pytest.mark.parametrize(
    ("start", "after", "until", "expected"),
    [
        (date(2023, 3, 1), date(2024, 6, 1), date(2025, 12, 31), [date(2025, 3, 1)]),
        (date(2020, 2, 29), date(2024, 6, 1), date(2025, 12, 31), [date(2025, 2, 28)]),
        (date(2024, 7, 1), date(2024, 6, 1), date(2025, 12, 31), [date(2025, 7, 1)]),
    ],
)
def test_anniversaries(start: date, after: date, until: date, expected: list[date]) -> None:
    assert anniversaries(start, after, until) == expected


def test_next_anniversary_is_strictly_after() -> None:
    assert next_anniversary(date(2023, 3, 1), date(2025, 3, 1)) == date(2026, 3, 1)


def test_contract_value_follows_seats_plan_and_discount() -> None:
    cheapest = Contract(seats=10, plan_index=0, discount=0.0).annual_value((20.0, 80.0), 4)
    top = Contract(seats=10, plan_index=3, discount=0.5).annual_value((20.0, 80.0), 4)

    assert (cheapest, top) == (2400.0, 4800.0)


def test_a_life_stops_at_churn_and_its_events_are_in_order() -> None:
    world, catalogue = load_world(), load_catalogue()
    archetype = load_archetypes()[2]
    lives = []
    for index in range(60):
        traits = sample_traits(
            archetype,
            catalogue.feature_keys,
            numpy_rng(1, index),
            mix_concentration=30,
            volume_shape=3,
        )
        lives.append(
            simulate_life(
                traits=traits,
                spec=world.life,
                contract_start=date(2023, 1, 15),
                initial=Contract(40, 1, 0.1),
                plan_count=len(catalogue.plans),
                window_start=world.window_start,
                window_end=world.window_end,
                rng=numpy_rng(2, index),
            )
        )
    churned = [life for life in lives if life.churned_at is not None]

    assert churned and len(churned) < len(lives)
    for life in lives:
        moments = [event.at for event in life.events]
        assert moments == sorted(moments)
        assert len(life.engagement) * 7 >= life.active_days
    for life in churned:
        assert life.end == life.churned_at.date() and life.events[-1].kind == "churned"
    announced = [life for life in churned if any(e.churn_week is not None for e in life.episodes)]
    assert len(announced) >= 0.6 * len(churned), "churn must mostly follow a risk episode"
