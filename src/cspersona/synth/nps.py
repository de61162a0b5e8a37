"""Quarterly NPS answers: a score moved by the customer's mood and friction, and a comment.

Fewer answers come once the champion has gone quiet; detractors (0-6) write negative comments,
passives (7-8) neutral ones and promoters (9-10) positive ones.
"""

import random
from datetime import UTC, datetime, time, timedelta
from typing import Any

from cspersona.synth import ids
from cspersona.synth.fillers import Fillers
from cspersona.synth.grammar import NpsPhrases, Voiced
from cspersona.synth.labels import Sentiment
from cspersona.synth.life import Life
from cspersona.synth.people import Company
from cspersona.synth.spec import NpsSpec
from cspersona.synth.traits import CustomerTraits

PASSIVE_FROM = 7
PROMOTER_FROM = 9


def nps_rows(
    *,
    index: int,
    company: Company,
    traits: CustomerTraits,
    life: Life,
    cutoff: datetime,
    spec: NpsSpec,
    phrases: NpsPhrases,
    nouns: dict[str, tuple[str, ...]],
    facts: dict[str, str],
    rng: random.Random,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The customer's NPS answers and their truth rows (the comment's sentiment)."""
    rows: list[dict[str, Any]] = []
    truth: list[dict[str, Any]] = []
    survey_day = life.start + timedelta(days=rng.randrange(spec.every_days))
    while survey_day < life.end:
        quiet = life.champion_gone(survey_day)
        answered_at = datetime.combine(survey_day, time(9), tzinfo=UTC) + timedelta(
            minutes=rng.randrange(10 * 60), days=rng.choice((0, 0, 1, 2, 3))
        )
        if answered_at < cutoff and rng.random() < (
            spec.quiet_response_rate if quiet else spec.response_rate
        ):
            week = life.week_of(survey_day)
            raw = (
                traits.scalars.nps_mean
                + spec.mood_weight * float(life.mood[week])
                - spec.friction_weight * float(life.friction[week])
                + rng.gauss(0, spec.noise)
            )
            score = min(10, max(0, round(raw)))
            sentiment, bank = _band(score, phrases)
            comment = None
            if rng.random() < spec.comment_rate:
                fillers = Fillers(facts, rng, answered_at, nouns)
                comment = fillers.render(bank.pick(rng, traits.archetype))
            contacts = company.contacts
            respondent = (
                contacts[0] if not quiet and rng.random() < 0.6 else rng.choice(contacts[1:])
            )
            external_id = ids.nps_id(index, len(rows) + 1)
            rows.append(
                {
                    "external_id": external_id,
                    "customer_external_id": company.external_id,
                    "contact_external_id": respondent.external_id,
                    "score": score,
                    "comment": comment,
                    "answered_at": answered_at,
                }
            )
            truth.append(
                {"external_id": external_id, "sentiment": sentiment.value if comment else None}
            )
        survey_day += timedelta(days=spec.every_days)
    return rows, truth


def _band(score: int, phrases: NpsPhrases) -> tuple[Sentiment, Voiced]:
    if score >= PROMOTER_FROM:
        return Sentiment.POSITIVE, phrases.promoter
    if score >= PASSIVE_FROM:
        return Sentiment.NEUTRAL, phrases.passive
    return Sentiment.NEGATIVE, phrases.detractor
