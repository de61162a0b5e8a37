"""The CSMs' log of a world's programmes (``interventions.csv``) and its truth rows.

Every entry is logged, in either arm, the way a playbook logs it; treated customers then get
one to three actions from their CSM in the following weeks. The truth row of an entry holds the
potential outcomes over the horizon that a fair estimator of the programme's effect targets.
"""

import random
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

from cspersona.interventions.models import Arm, InterventionKind
from cspersona.synth.ids import intervention_id
from cspersona.synth.life import Contract, Entry

# What a CSM does for a treated customer: hours it usually takes, and how the log says it.
ACTIONS: dict[InterventionKind, tuple[float, str]] = {
    InterventionKind.EMAIL: (0.25, "Check-in email about how the team is getting on"),
    InterventionKind.CALL: (0.5, "Call with the main contact to go through open problems"),
    InterventionKind.MEETING: (1.0, "Review meeting with the team and their manager"),
    InterventionKind.IN_APP: (0.25, "In-app guide to the features they use least"),
    InterventionKind.TRAINING: (1.5, "Training session for the team's newer users"),
}
MAX_ACTIONS = 3
ACTION_WITHIN_DAYS = 21


def log_rows(
    *,
    index: int,
    external_id: str,
    csm: str,
    entries: tuple[Entry, ...],
    cutoff: datetime,
    value: Callable[[Contract], float],
    rng: random.Random,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The customer's log rows (before ``cutoff``) and one truth row per entry."""
    rows: list[dict[str, Any]] = []
    truth: list[dict[str, Any]] = []
    for entry in entries:
        entered = intervention_id(index, len(rows) + 1)
        held_back = entry.arm is Arm.HELD_BACK
        rows.append(
            _row(
                entered,
                external_id,
                InterventionKind.ENTERED,
                csm,
                entry,
                entry.at,
                None,
                f"Entered the {entry.playbook} playbook"
                + (" and held back for comparison: no outreach" if held_back else ""),
            )
        )
        actions = 0 if held_back else rng.randint(1, MAX_ACTIONS)
        moments = sorted(_action_moment(entry.at, rng) for _ in range(actions))
        for moment in moments:
            kind = rng.choice(list(ACTIONS))
            hours, note = ACTIONS[kind]
            if moment < cutoff:
                number = intervention_id(index, len(rows) + 1)
                hours *= rng.choice((1, 1, 2))
                rows.append(_row(number, external_id, kind, csm, entry, moment, hours, note))
        truth.append(_truth_row(entered, external_id, entry, value(entry.contract)))
    return rows, truth


def _action_moment(entered: datetime, rng: random.Random) -> datetime:
    day = entered.date() + timedelta(days=rng.randint(1, ACTION_WITHIN_DAYS))
    return datetime.combine(day, time(9), tzinfo=entered.tzinfo) + timedelta(
        minutes=rng.randrange(8 * 60)
    )


def _row(
    row_id: str,
    external_id: str,
    kind: InterventionKind,
    csm: str,
    entry: Entry,
    at: datetime,
    hours: float | None,
    note: str,
) -> dict[str, Any]:
    return {
        "intervention_id": row_id,
        "customer_id": external_id,
        "kind": kind.value,
        "performed_by": csm,
        "performed_at": at,
        "playbook": entry.playbook,
        "arm": entry.arm.value,
        "hours": hours,
        "note": note,
    }


def _truth_row(row_id: str, external_id: str, entry: Entry, arr: float) -> dict[str, Any]:
    """What the entry's effect really is over the horizon, under each arm."""
    held_back, treated = entry.churn_probability_held_back, entry.churn_probability_treated
    return {
        "intervention_id": row_id,
        "customer_external_id": external_id,
        "playbook": entry.playbook,
        "arm": entry.arm.value,
        "entered_at": entry.at,
        "arr_at_entry": arr,
        "churn_reduction": entry.churn_reduction,
        "expansion_lift": entry.expansion_lift,
        "churn_probability_held_back": round(held_back, 6),
        "churn_probability_treated": round(treated, 6),
        "expected_retained_arr_held_back": round(arr * (1 - held_back), 2),
        "expected_retained_arr_treated": round(arr * (1 - treated), 2),
    }
