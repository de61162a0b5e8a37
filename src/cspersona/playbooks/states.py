"""Many customers' :class:`CustomerState` at once, as of any date, from a handful of queries.

Triggers, exits and the dry run read the same loaded data: current ARR, plan and renewal date;
the risk tier as observed over time (else the current churn score at the longest horizon); NPS
answers in order; the persona as last placed, followed through merges.
"""

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.customers.models import Customer, NpsResponse
from cspersona.personas.models import Persona, PersonaMapping
from cspersona.playbooks.criteria import CustomerState
from cspersona.playbooks.models import Observation
from cspersona.predict.models import ChurnScore

RISK_TIER_KEY = "risk_tier"


@dataclass(frozen=True)
class Account:
    """What does not vary with the date here: the customer's contract as it stands."""

    arr: float | None
    plan: str | None
    renewal_date: date | None


@dataclass
class StateSource:
    """Loaded data that answers "what was this customer's state on that day"."""

    accounts: dict[int, Account]
    current_tier: dict[int, str]
    tier_history: dict[int, list[tuple[datetime, str]]] = field(default_factory=dict)
    nps: dict[int, list[tuple[datetime, int]]] = field(default_factory=dict)
    persona: dict[int, int] = field(default_factory=dict)

    def risk_tier(self, customer_id: int, at: datetime) -> str | None:
        """The last observed tier on or before ``at``, else the current score's tier."""
        history = self.tier_history.get(customer_id, [])
        position = bisect.bisect_right([moment for moment, _ in history], at)
        if position:
            return history[position - 1][1]
        return self.current_tier.get(customer_id)

    def state(self, customer_id: int, at: datetime) -> CustomerState:
        """The customer's state as of ``at``."""
        account = self.accounts.get(customer_id, Account(None, None, None))
        answers = self.nps.get(customer_id, [])
        position = bisect.bisect_right([moment for moment, _ in answers], at)
        renewal = account.renewal_date
        return CustomerState(
            customer_id=customer_id,
            risk_tier=self.risk_tier(customer_id, at),
            arr=account.arr,
            days_to_renewal=(renewal - at.date()).days if renewal is not None else None,
            nps=float(answers[position - 1][1]) if position else None,
            persona_id=self.persona.get(customer_id),
            plan=account.plan,
        )


def load_source(db_session: Session, *, customer_ids: Iterable[int] | None = None) -> StateSource:
    """Everything states need, for these customers (None: all), in six queries."""
    wanted = None if customer_ids is None else set(customer_ids)

    def kept(customer_id: int) -> bool:
        return wanted is None or customer_id in wanted

    accounts = {
        customer_id: Account(arr, plan, renewal)
        for customer_id, arr, plan, renewal in db_session.execute(
            select(Customer.id, Customer.arr, Customer.plan, Customer.renewal_date)
        )
        if kept(customer_id)
    }
    # The longest horizon's tier is the one interventions go by; later rows win.
    current_tier: dict[int, str] = {}
    for customer_id, tier in db_session.execute(
        select(ChurnScore.customer_id, ChurnScore.risk_tier)
        .where(ChurnScore.risk_tier.is_not(None))
        .order_by(ChurnScore.horizon_days, ChurnScore.scored_at, ChurnScore.id)
    ):
        if kept(customer_id) and tier is not None:
            current_tier[customer_id] = tier
    tier_history: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    for customer_id, moment, value in db_session.execute(
        select(Observation.customer_id, Observation.observed_at, Observation.value)
        .where(Observation.key == RISK_TIER_KEY)
        .order_by(Observation.observed_at, Observation.id)
    ):
        if kept(customer_id):
            tier_history[customer_id].append((moment, value))
    nps: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    for customer_id, moment, score in db_session.execute(
        select(NpsResponse.customer_id, NpsResponse.answered_at, NpsResponse.score).order_by(
            NpsResponse.answered_at, NpsResponse.id
        )
    ):
        if kept(customer_id):
            nps[customer_id].append((moment, score))
    personas = current_personas(db_session)
    return StateSource(
        accounts=accounts,
        current_tier=current_tier,
        tier_history=dict(tier_history),
        nps=dict(nps),
        persona={key: value for key, value in personas.items() if kept(key)},
    )


def current_personas(db_session: Session) -> dict[int, int]:
    """Each customer's persona id as last placed, followed through merges (two queries)."""
    placed = dict(
        db_session.execute(
            select(PersonaMapping.customer_id, PersonaMapping.persona_id).order_by(
                PersonaMapping.assigned_at, PersonaMapping.id
            )
        ).all()
    )
    merged_into: dict[int, int] = {}
    for persona_id, target in db_session.execute(
        select(Persona.id, Persona.merged_into_id).where(Persona.merged_into_id.is_not(None))
    ):
        if target is not None:
            merged_into[persona_id] = target
    followed = {}
    for customer_id, persona_id in placed.items():
        seen: set[int] = set()
        while persona_id in merged_into and persona_id not in seen:
            seen.add(persona_id)
            persona_id = merged_into[persona_id]
        followed[customer_id] = persona_id
    return followed


def states(
    db_session: Session, *, at: datetime, customer_ids: Iterable[int] | None = None
) -> dict[int, CustomerState]:
    """Every (or these) customers' state as of ``at``."""
    source = load_source(db_session, customer_ids=customer_ids)
    return {customer_id: source.state(customer_id, at) for customer_id in source.accounts}
