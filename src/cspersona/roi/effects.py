"""Effects of playbooks, per playbook and per persona, with honest uncertainty.

The unit is one entry into a playbook (the log's ``entered`` row) whose effect window is complete:
its arm was drawn at entry, so treated and held-back customers differ only by chance and by the
playbook. Churn is compared with Newcombe's interval and, adjusted for the customer's sentiment
before entry, with CUPED; retained ARR with the delta method; an always-valid sequential test gives
a p-value that stays honest however often the page is opened. A persona's effect pools its
playbooks as strata, so playbooks with different held-back shares do not bias each other.
"""

import math
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cspersona.interventions import service as interventions
from cspersona.interventions.models import Arm, InterventionKind
from cspersona.personas.current import current_personas
from cspersona.playbooks.power import minimum_detectable_difference, minimum_detectable_reduction
from cspersona.roi.intervals import (
    LEVEL,
    Interval,
    churn_reduction,
    cuped_difference,
    normal_interval,
    retained_arr_difference,
)
from cspersona.roi.models import InterventionOutcome
from cspersona.roi.sequential import always_valid
from cspersona.roi.summary import Design, Effect

EFFECT_WINDOW = 90
# Below this many customers in either arm, no interval is drawn: it would say nothing.
MIN_PER_ARM = 5
# The delta method estimates retained ARR's variance from the customers whose ARR changed; with
# fewer than this many on either side (an arm where nobody churned looks certain), it has almost
# nothing to go on and its interval is far too narrow, so saved ARR is not given.
MIN_ARR_CHANGES = 5
# The row that pools every playbook, each a stratum: more customers, so sooner readable.
ALL_PLAYBOOKS = "All playbooks together"


@dataclass(frozen=True)
class Unit:
    """One complete entry: who, which playbook and arm, and what followed within the window."""

    customer_id: int
    playbook: str
    # None when the playbook held nobody back (an observational comparison).
    arm: Arm | None
    entered_on: date
    window_end: date
    churned: bool
    arr_start: float
    arr_end: float
    sentiment_before: float | None


def units(
    db_session: Session, *, until: date, customers: Select[int], randomised: bool = True
) -> list[Unit]:
    """Every entry of ``customers`` whose effect window ended before ``until``.

    Randomised entries carry an arm; the others (``randomised=False``) are playbooks' entries
    without one, for the observational comparison.
    """
    entries = interventions.current().subquery()
    has_arm = entries.c.arm.is_not(None) if randomised else entries.c.arm.is_(None)
    rows = db_session.execute(
        select(
            entries.c.customer_id,
            entries.c.playbook_name,
            entries.c.arm,
            entries.c.performed_at,
            InterventionOutcome.window_end,
            InterventionOutcome.churned,
            InterventionOutcome.arr_start,
            InterventionOutcome.arr_end,
            InterventionOutcome.sentiment_before,
        )
        .join(InterventionOutcome, InterventionOutcome.intervention_id == entries.c.id)
        .where(
            entries.c.kind == InterventionKind.ENTERED,
            has_arm,
            entries.c.playbook_name.is_not(None),
            entries.c.customer_id.in_(customers),
            InterventionOutcome.window_days == EFFECT_WINDOW,
            InterventionOutcome.complete.is_(True),
            InterventionOutcome.window_end < until,
        )
    ).all()
    return [
        Unit(
            customer_id=row.customer_id,
            playbook=row.playbook_name,
            arm=Arm(row.arm) if row.arm else None,
            entered_on=row.performed_at.date(),
            window_end=row.window_end,
            churned=row.churned,
            arr_start=row.arr_start or 0.0,
            arr_end=row.arr_end or 0.0,
            sentiment_before=row.sentiment_before,
        )
        for row in rows
    ]


def by_playbook(measured: Sequence[Unit]) -> list[Effect]:
    """One randomised effect per playbook, largest first, after all of them pooled (if several)."""
    groups: dict[str, list[Unit]] = defaultdict(list)
    for unit in measured:
        groups[unit.playbook].append(unit)
    effects = [_effect("playbook", name, group) for name, group in groups.items()]
    effects.sort(key=lambda e: -(e.treated + e.held_back))
    if len(groups) > 1:
        effects.insert(0, _effect("all", ALL_PLAYBOOKS, measured))
    return effects


def by_persona(db_session: Session, measured: Sequence[Unit]) -> list[Effect]:
    """One effect per persona (customers' current persona), its playbooks pooled as strata."""
    personas = current_personas(db_session=db_session)
    groups: dict[str, list[Unit]] = defaultdict(list)
    for unit in measured:
        mapped = personas.get(unit.customer_id)
        groups[mapped.persona_name if mapped else "No persona yet"].append(unit)
    effects = [_effect("persona", name, group) for name, group in groups.items()]
    return sorted(effects, key=lambda e: -(e.treated + e.held_back))


def _effect(scope: str, name: str, group: Sequence[Unit]) -> Effect:
    treated = [u for u in group if u.arm is Arm.TREATED]
    held = [u for u in group if u.arm is Arm.HELD_BACK]
    strata = _strata(group)
    standardised = len(strata) > 1
    churn_t, churn_h = _weighted_rates(strata) if standardised else (_rate(treated), _rate(held))
    readable = len(treated) >= MIN_PER_ARM and len(held) >= MIN_PER_ARM
    reduction = _stratified_reduction(strata) if readable else None
    has_arr = all(
        sum(u.arr_end != u.arr_start for u in arm) >= MIN_ARR_CHANGES for arm in (treated, held)
    )
    retained = (
        retained_arr_difference(
            [u.arr_start for u in treated],
            [u.arr_end for u in treated],
            [u.arr_start for u in held],
            [u.arr_end for u in held],
        )
        if readable and has_arr
        else None
    )
    cuped = _cuped(treated, held) if readable else None
    baseline = churn_h if churn_h is not None else churn_t
    return Effect(
        scope=scope,
        name=name,
        design=Design.RANDOMISED,
        window_days=EFFECT_WINDOW,
        treated=len(treated),
        held_back=len(held),
        churn_treated=churn_t,
        churn_held_back=churn_h,
        churn_reduction=reduction,
        cuped_churn_reduction=cuped[0] if cuped else None,
        variance_reduction=cuped[1] if cuped else None,
        retained_arr_difference=retained,
        saved_arr=retained.scaled(sum(u.arr_start for u in treated)) if retained else None,
        sequential_p_value=_sequential(treated, held) if readable else None,
        minimum_detectable_reduction=(
            minimum_detectable_reduction(baseline, treated=len(treated), held_back=len(held))
            if baseline is not None
            else None
        ),
        minimum_detectable_arr_difference=_detectable_arr_difference(treated, held),
        standardised=standardised,
    )


def _detectable_arr_difference(treated: Sequence[Unit], held: Sequence[Unit]) -> float | None:
    """The smallest retained-ARR difference these sizes read, from the spread of shares kept."""
    kept = [u.arr_end / u.arr_start for u in (*treated, *held) if u.arr_start > 0]
    if len(kept) < 2:
        return None
    return minimum_detectable_difference(
        float(statistics.stdev(kept)), treated=len(treated), held_back=len(held)
    )


def _rate(arm: Sequence[Unit]) -> float | None:
    return sum(u.churned for u in arm) / len(arm) if arm else None


Counts = tuple[int, int, int, int]


def _strata(group: Sequence[Unit]) -> dict[str, Counts]:
    """Each playbook's churned and total among held-back, then treated; both sides present."""
    strata: dict[str, list[Unit]] = defaultdict(list)
    for unit in group:
        strata[unit.playbook].append(unit)
    counts = {name: _counts(members) for name, members in strata.items()}
    return {name: c for name, c in counts.items() if c[1] and c[3]}


def _weights(strata: dict[str, Counts]) -> list[tuple[float, Counts]]:
    """Each stratum with its share of the customers: the weights of every pooled figure."""
    total = sum(held + treated for _, held, _, treated in strata.values())
    return [((c[1] + c[3]) / total, c) for c in strata.values()]


def _weighted_rates(strata: dict[str, Counts]) -> tuple[float | None, float | None]:
    """Treated and held-back churn rates standardised over the strata, as the reduction is."""
    if not strata:
        return None, None
    weighted = _weights(strata)
    return (
        sum(w * churned_t / treated for w, (_, _, churned_t, treated) in weighted),
        sum(w * churned_h / held for w, (churned_h, held, _, _) in weighted),
    )


def _stratified_reduction(strata: dict[str, Counts]) -> Interval | None:
    """Held-back minus treated churn; Newcombe's interval in one stratum, pooled across several.

    Across playbooks, each stratum's difference is weighted by its size and the normal interval
    uses the weighted sum of the strata's variances. Each variance takes Agresti and Caffo's
    adjusted rates (one churn and one stay added to each side), so a side where nobody churned
    does not look certain, as the plain Wald variance would make it.
    """
    if len(strata) == 1:
        churned_h, held, churned_t, treated = next(iter(strata.values()))
        return churn_reduction(churned_h, held, churned_t, treated)
    if not strata:
        return None
    estimate = variance = 0.0
    for weight, (churned_h, held, churned_t, treated) in _weights(strata):
        estimate += weight * (churned_h / held - churned_t / treated)
        adjusted_h, adjusted_t = (churned_h + 1) / (held + 2), (churned_t + 1) / (treated + 2)
        variance += weight**2 * (
            adjusted_h * (1 - adjusted_h) / (held + 2)
            + adjusted_t * (1 - adjusted_t) / (treated + 2)
        )
    return normal_interval(estimate, math.sqrt(variance))


def _counts(group: Sequence[Unit]) -> Counts:
    """Churned and total among held-back, then among treated."""
    held = [u for u in group if u.arm is Arm.HELD_BACK]
    treated = [u for u in group if u.arm is Arm.TREATED]
    return (
        sum(u.churned for u in held),
        len(held),
        sum(u.churned for u in treated),
        len(treated),
    )


def _cuped(treated: Sequence[Unit], held: Sequence[Unit]) -> tuple[Interval, float] | None:
    """Churn reduction adjusted for sentiment before entry (missing sentiment counts as average)."""
    known = [u.sentiment_before for u in (*treated, *held) if u.sentiment_before is not None]
    if not known:
        return None
    average = sum(known) / len(known)

    def covariate(arm: Sequence[Unit]) -> list[float]:
        return [average if u.sentiment_before is None else u.sentiment_before for u in arm]

    result = cuped_difference(
        [float(u.churned) for u in treated],
        covariate(treated),
        [float(u.churned) for u in held],
        covariate(held),
    )
    # CUPED compares treated minus held back; a reduction in churn is the opposite sign.
    flipped = Interval(
        -result.interval.estimate, -result.interval.high, -result.interval.low, LEVEL
    )
    return flipped, result.variance_reduction


def _sequential(treated: Sequence[Unit], held: Sequence[Unit]) -> float | None:
    """The always-valid p-value of the churn difference, looked at on every day a window ended.

    None while it cannot be computed: fewer than two outcomes an arm, or nobody churned at all.
    """
    try:
        return always_valid(
            [float(u.churned) for u in treated],
            [u.window_end for u in treated],
            [float(u.churned) for u in held],
            [u.window_end for u in held],
        ).p_value
    except ValueError:
        return None
