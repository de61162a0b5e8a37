"""Effects of playbooks that held nobody back: difference-in-differences, labelled observational.

Without a randomised control group, a playbook's customers are compared with customers of the
same personas it never entered: each side's ARR at entry and 90 days later (the comparison side
at the treated entries' median date). The difference in their changes is the estimate; it is
only as good as the assumption that, without the playbook, both would have moved alike. It is
never presented as proof of cause.
"""

from collections import defaultdict
from datetime import date, timedelta
from statistics import median

import pandas as pd
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cspersona.interventions import service as interventions
from cspersona.personas.current import current_personas
from cspersona.roi.did import difference_in_differences
from cspersona.roi.effects import EFFECT_WINDOW, MIN_PER_ARM, units
from cspersona.roi.intervals import churn_reduction
from cspersona.roi.revenue import ArrHistory
from cspersona.roi.summary import Design, Effect

COMPARISON_NOTE = (
    "No customers were held back: compared with similar customers the playbook never reached, "
    "which shows an association, not proof that the playbook caused it."
)


def observational_effects(
    db_session: Session, *, until: date, customers: Select[int], history: ArrHistory
) -> list[Effect]:
    """An effect per playbook whose entries carry no arm, from windows ended before ``until``."""
    reached_by: dict[str, dict[int, tuple[date, bool]]] = defaultdict(dict)
    for unit in units(db_session, until=until, customers=customers, randomised=False):
        reached_by[unit.playbook].setdefault(unit.customer_id, (unit.entered_on, unit.churned))
    ever_entered = _ever_entered(db_session)
    personas = {c: p.persona_id for c, p in current_personas(db_session=db_session).items()}
    effects = []
    for name, reached in reached_by.items():
        served = {personas.get(c) for c in reached}
        comparison = [
            c
            for c in history.customer_ids
            if c not in ever_entered.get(name, set()) and personas.get(c) in served
        ]
        effects.append(_effect(name, reached, comparison, history))
    return effects


def _ever_entered(db_session: Session) -> dict[str, set[int]]:
    """Every customer any entry of each playbook names, whatever its window."""
    entered: dict[str, set[int]] = defaultdict(set)
    entries = interventions.current().subquery()
    for name, customer in db_session.execute(
        select(entries.c.playbook_name, entries.c.customer_id)
    ):
        if name is not None:
            entered[name].add(customer)
    return entered


def _effect(
    name: str,
    reached: dict[int, tuple[date, bool]],
    comparison: list[int],
    history: ArrHistory,
) -> Effect:
    anchor = date.fromordinal(round(median(day.toordinal() for day, _ in reached.values())))
    after = anchor + timedelta(days=EFFECT_WINDOW)
    before_arr, after_arr = history.on(anchor), history.on(after)
    compared = [c for c in comparison if before_arr.get(c, 0) > 0]
    frame_rows = []
    for customer, (day, _) in reached.items():
        start = history.arr_of(customer, day)
        end = history.arr_of(customer, day + timedelta(days=EFFECT_WINDOW))
        frame_rows += [(customer, 0, 1, start), (customer, 1, 1, end)]
    for customer in compared:
        frame_rows += [
            (customer, 0, 0, before_arr[customer]),
            (customer, 1, 0, after_arr[customer]),
        ]
    churned_treated = sum(churned for _, churned in reached.values())
    churned_compared = sum(after_arr[c] == 0 for c in compared)
    readable = len(reached) >= MIN_PER_ARM and len(compared) >= MIN_PER_ARM
    per_customer = None
    if readable:
        frame = pd.DataFrame(frame_rows, columns=["customer", "post", "treated", "arr"])
        per_customer = difference_in_differences(
            frame, outcome="arr", unit="customer", period="post", treated="treated", post="post"
        )
    return Effect(
        scope="playbook",
        name=name,
        design=Design.OBSERVATIONAL,
        window_days=EFFECT_WINDOW,
        treated=len(reached),
        held_back=len(compared),
        churn_treated=churned_treated / len(reached),
        churn_held_back=churned_compared / len(compared) if compared else None,
        churn_reduction=(
            churn_reduction(churned_compared, len(compared), churned_treated, len(reached))
            if readable
            else None
        ),
        cuped_churn_reduction=None,
        variance_reduction=None,
        retained_arr_difference=None,
        saved_arr=per_customer.scaled(len(reached)) if per_customer else None,
        sequential_p_value=None,
        minimum_detectable_reduction=None,
        notes=[COMPARISON_NOTE],
    )
