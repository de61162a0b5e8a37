"""Daily product usage: active users, logins, events and per-feature use, from a customer's life.

The active share of seats follows the archetype's trajectory (a yearly growth on the log-odds
scale), the onboarding ramp of a new contract and the weekly engagement state, so a customer
heading for churn shows it in its usage weeks ahead, and a customer who expands gets more seats
to fill. Features come into use one by one (adoption curves), popular ones first.
"""

from datetime import date, timedelta
from typing import Any

import numpy as np

from cspersona.synth.life import DAYS_PER_WEEK, DAYS_PER_YEAR, Life
from cspersona.synth.spec import UsageSpec
from cspersona.synth.traits import CustomerTraits

SATURDAY = 5
HOLIDAYS = ((12, 24), (12, 25), (12, 26), (12, 31), (1, 1))


def usage_rows(
    *,
    customer_external_id: str,
    life: Life,
    traits: CustomerTraits,
    contract_start: date,
    onboarding_days: int,
    spec: UsageSpec,
    rng: np.random.Generator,
) -> list[dict[str, Any]]:
    """One row per observed day, in the dataset format's ``usage_daily`` columns."""
    days = [life.start + timedelta(days=offset) for offset in range(life.active_days)]
    if not days:
        return []
    offsets = np.arange(len(days), dtype=float)
    week_middles = np.arange(len(life.engagement)) * DAYS_PER_WEEK + DAYS_PER_WEEK / 2
    engagement = np.interp(offsets, week_middles, life.engagement)
    age = np.array([(day - contract_start).days for day in days], dtype=float)
    utilisation = traits.scalars.utilisation
    log_odds = (
        np.log(utilisation / (1 - utilisation))
        + traits.scalars.usage_growth * offsets / DAYS_PER_YEAR
        + engagement
    )
    share = 1 / (1 + np.exp(-log_odds)) * (1 - np.exp(-(age + 1) / onboarding_days))
    share *= np.array([_calendar_factor(day, spec) for day in days])
    seats = np.array([life.contract_on(day).seats for day in days])
    active = rng.binomial(seats, np.clip(share, 0, 1))
    logins = rng.poisson(active * spec.logins_per_user)
    events = rng.poisson(active * spec.events_per_user)

    keys = list(traits.features)
    mix = np.array([traits.features[key] for key in keys])
    adopted_after = rng.exponential(spec.adoption_lag_days / (mix * len(keys)))
    adopted = age[:, None] >= adopted_after[None, :]
    weights = mix[None, :] * adopted
    totals = weights.sum(axis=1, keepdims=True)
    expected = np.divide(weights, totals, out=np.zeros_like(weights), where=totals > 0)
    counts = rng.poisson(expected * events[:, None])

    return [
        {
            "customer_external_id": customer_external_id,
            "day": day,
            "active_users": day_active,
            "logins": day_logins,
            "events": day_events,
            "feature_adoption": {
                key: count for key, count in zip(keys, day_counts, strict=True) if count
            },
        }
        for day, day_active, day_logins, day_events, day_counts in zip(
            days, active.tolist(), logins.tolist(), events.tolist(), counts.tolist(), strict=True
        )
    ]


def _calendar_factor(day: date, spec: UsageSpec) -> float:
    """Weekends and the year-end holidays are quiet."""
    if (day.month, day.day) in HOLIDAYS:
        return spec.holiday_factor
    return spec.weekend_factor if day.weekday() >= SATURDAY else 1.0
