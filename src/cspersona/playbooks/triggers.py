"""Trigger events, dated, and the run that enters customers into active playbooks on them.

Each :class:`TriggerKind` is found in stored history: NPS answers, persona switches, renewal
dates, expansion timing, and :class:`Observation` rows (the risk tier and churn signals as each
run saw them, since churn scores are replaced on every run). A run enters a customer on an
event newer than their last trigger for that playbook, so running twice on the same data does
nothing the second time; :func:`enrolment.enter` keeps dedupe and re-entry limits.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspersona.analytics.history import load_history
from cspersona.analytics.signals import signals_for_all
from cspersona.customers.models import Customer, NpsResponse
from cspersona.personas.models import Persona, PersonaSwitch
from cspersona.playbooks import enrolment, tasks
from cspersona.playbooks.criteria import RISK_TIER_ORDER, entry_met, exit_met
from cspersona.playbooks.definition import Criterion, Trigger, TriggerKind
from cspersona.playbooks.models import Enrolment, Observation, Playbook, PlaybookStatus
from cspersona.playbooks.states import RISK_TIER_KEY, StateSource, load_source
from cspersona.playbooks.wording import criterion_words
from cspersona.predict.models import ExpansionScore

# An event older than this when a run first sees it is history, not a reason to act now.
RECENT_DAYS = 30
DEFAULT_NPS_POINTS = 3
DEFAULT_RENEWAL_DAYS = 90
SIGNAL_PREFIX = "signal:"
RAISED, CALM = "raised", "calm"

SIGNAL_WORDS = {
    "declining_usage": "usage is declining",
    "rising_negative_sentiment": "sentiment is turning negative",
    "unresolved_issues": "issues are piling up unresolved",
    "nps_drop": "the NPS score dropped",
    "champion_quiet": "the champion has gone quiet",
}


@dataclass(frozen=True)
class TriggerEvent:
    """One customer met a trigger at ``at``; ``detail`` says what happened in words."""

    customer_id: int
    kind: TriggerKind
    at: datetime
    detail: str


def find_events(
    db_session: Session, trigger: Trigger, *, since: datetime, until: datetime
) -> list[TriggerEvent]:
    """Events of ``trigger`` in ``(since, until]``; a renewal is dated when its window opened."""
    finder = {
        TriggerKind.RISK_TIER_RISES: _risk_rises,
        TriggerKind.CHURN_SIGNAL: _signals_raised,
        TriggerKind.NPS_DROP: _nps_drops,
        TriggerKind.PERSONA_SWITCH: _persona_switches,
        TriggerKind.RENEWAL_WITHIN: _renewals,
        TriggerKind.EXPANSION_NOW: _expansion_now,
    }.get(trigger.kind)
    if finder is None:  # manual: only a CSM starts it
        return []
    return finder(db_session, trigger, since, until)


def _risk_rises(
    db_session: Session, trigger: Trigger, since: datetime, until: datetime
) -> list[TriggerEvent]:
    """Observed tier changes upward that reach ``to_tier`` (default high).

    A customer's first scoring counts as a rise from "not scored": on the day playbooks start,
    the customers already at high risk are the ones a CSM must act on first.
    """
    target = RISK_TIER_ORDER[trigger.to_tier or "high"]
    events = []
    for customer_id, changes in _observed(db_session, [RISK_TIER_KEY], until).items():
        before: str | None = None
        for moment, after, _ in changes:
            rank = RISK_TIER_ORDER.get(after, 0)
            rose = before is None or rank > RISK_TIER_ORDER.get(before, 0)
            if since < moment <= until and rose and rank >= target:
                detail = (
                    f"risk tier rose from {before} to {after}"
                    if before is not None
                    else f"risk tier is {after} the first time playbooks saw it"
                )
                events.append(TriggerEvent(customer_id, trigger.kind, moment, detail))
            before = after
    return events


def _signals_raised(
    db_session: Session, trigger: Trigger, since: datetime, until: datetime
) -> list[TriggerEvent]:
    """A churn signal observed raised where it was calm (the first observation only sets a base)."""
    keys = [SIGNAL_PREFIX + name for name in SIGNAL_WORDS]
    events = []
    for customer_id, changes in _observed(db_session, keys, until).items():
        previous: dict[str, str] = {}
        for moment, value, key in changes:
            fired = value == RAISED and previous.get(key) == CALM
            previous[key] = value
            if fired and since < moment <= until:
                name = key.removeprefix(SIGNAL_PREFIX)
                detail = f"churn signal: {SIGNAL_WORDS.get(name, name)}"
                events.append(TriggerEvent(customer_id, trigger.kind, moment, detail))
    return events


def _observed(
    db_session: Session, keys: list[str], until: datetime
) -> dict[int, list[tuple[datetime, str, str]]]:
    """Each customer's observations of ``keys`` up to ``until``, oldest first."""
    rows = db_session.execute(
        select(Observation.customer_id, Observation.observed_at, Observation.value, Observation.key)
        .where(Observation.key.in_(keys), Observation.observed_at <= until)
        .order_by(Observation.customer_id, Observation.observed_at, Observation.id)
    )
    grouped: dict[int, list[tuple[datetime, str, str]]] = defaultdict(list)
    for customer_id, moment, value, key in rows:
        grouped[customer_id].append((moment, value, key))
    return grouped


def _nps_drops(
    db_session: Session, trigger: Trigger, since: datetime, until: datetime
) -> list[TriggerEvent]:
    """Consecutive NPS answers of a customer that fell by ``points`` or more."""
    points = trigger.points or DEFAULT_NPS_POINTS
    rows = db_session.execute(
        select(NpsResponse.customer_id, NpsResponse.answered_at, NpsResponse.score)
        .where(NpsResponse.answered_at <= until)
        .order_by(NpsResponse.customer_id, NpsResponse.answered_at, NpsResponse.id)
    )
    events = []
    last: dict[int, int] = {}
    for customer_id, moment, score in rows:
        before = last.get(customer_id)
        last[customer_id] = score
        if before is not None and before - score >= points and since < moment <= until:
            detail = f"NPS fell from {before} to {score}"
            events.append(TriggerEvent(customer_id, trigger.kind, moment, detail))
    return events


def _persona_switches(
    db_session: Session, trigger: Trigger, since: datetime, until: datetime
) -> list[TriggerEvent]:
    """Recorded persona switches, with both personas named."""
    names = dict(db_session.execute(select(Persona.id, Persona.name)).all())
    rows = db_session.execute(
        select(
            PersonaSwitch.customer_id,
            PersonaSwitch.detected_at,
            PersonaSwitch.from_persona_id,
            PersonaSwitch.to_persona_id,
        ).where(PersonaSwitch.detected_at > since, PersonaSwitch.detected_at <= until)
    )
    events = []
    for customer_id, moment, before, after in rows:
        detail = f"persona switched from {names.get(before, '?')} to {names.get(after, '?')}"
        events.append(TriggerEvent(customer_id, trigger.kind, moment, detail))
    return events


def _renewals(
    db_session: Session, trigger: Trigger, since: datetime, until: datetime
) -> list[TriggerEvent]:
    """Renewals whose window of ``days`` has opened by ``until`` and that are still ahead."""
    days = trigger.days or DEFAULT_RENEWAL_DAYS
    today = until.date()
    rows = db_session.execute(
        select(Customer.id, Customer.renewal_date).where(
            Customer.renewal_date.is_not(None),
            Customer.renewal_date >= today,
            Customer.renewal_date <= today + timedelta(days=days),
        )
    )
    events = []
    for customer_id, renewal in rows:
        if renewal is None:
            continue
        opened = datetime.combine(renewal - timedelta(days=days), time(), tzinfo=UTC)
        detail = f"renewal on {renewal.day} {renewal:%B %Y}, inside the {days}-day window"
        events.append(TriggerEvent(customer_id, trigger.kind, min(opened, until), detail))
    return events


def _expansion_now(
    db_session: Session, trigger: Trigger, since: datetime, until: datetime
) -> list[TriggerEvent]:
    """Expansion scores whose timing says now, with the timing's reason.

    A score written after ``until`` describes the data up to it (scoring runs as of the data's
    end), so it is dated ``until``.
    """
    rows = db_session.execute(
        select(ExpansionScore.customer_id, ExpansionScore.scored_at, ExpansionScore.timing).where(
            ExpansionScore.scored_at > since
        )
    )
    events = []
    for customer_id, moment, timing in rows:
        if (timing or {}).get("when") != "now":
            continue
        reason = timing.get("reason")
        detail = f"expansion marked now: {reason}" if reason else "expansion marked now"
        events.append(TriggerEvent(customer_id, trigger.kind, min(moment, until), detail))
    return events


def observe(db_session: Session, *, at: datetime, with_signals: bool) -> int:
    """Record each customer's risk tier (and churn signals) where it changed. Returns rows added."""
    source = load_source(db_session)
    seen = _latest_observations(db_session)
    added = 0
    for customer_id, tier in source.current_tier.items():
        added += _record(db_session, seen, customer_id, RISK_TIER_KEY, tier, at)
    if with_signals:
        every = signals_for_all(load_history(db_session=db_session))
        for customer_id in source.current_tier:
            for signal in every.get(customer_id, []):
                value = RAISED if signal.raised else CALM
                key = SIGNAL_PREFIX + signal.name
                added += _record(db_session, seen, customer_id, key, value, at)
    db_session.flush()
    return added


def _latest_observations(db_session: Session) -> dict[tuple[int, str], str]:
    """The last value observed per customer and key."""
    latest = (
        select(Observation.customer_id, Observation.key, func.max(Observation.id).label("id"))
        .group_by(Observation.customer_id, Observation.key)
        .subquery()
    )
    rows = db_session.execute(
        select(Observation.customer_id, Observation.key, Observation.value).join(
            latest, latest.c.id == Observation.id
        )
    )
    return {(customer_id, key): value for customer_id, key, value in rows}


def _record(
    db_session: Session,
    seen: dict[tuple[int, str], str],
    customer_id: int,
    key: str,
    value: str,
    at: datetime,
) -> int:
    """Add an observation when the value differs from the last one seen."""
    if seen.get((customer_id, key)) == value:
        return 0
    seen[(customer_id, key)] = value
    db_session.add(Observation(customer_id=customer_id, key=key, value=value, observed_at=at))
    return 1


def counted(number: int, noun: str) -> str:
    """``1 task``, ``3 tasks``."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


@dataclass
class TriggerReport:
    """What a trigger run did, counted by outcome."""

    entered: int = 0
    held_back: int = 0
    updated: int = 0
    limited: int = 0
    exited: int = 0
    tasks_created: int = 0
    tasks_woken: int = 0
    observations: int = 0
    by_playbook: dict[str, int] = field(default_factory=dict)

    def words(self) -> str:
        """The run in one line of words."""
        parts = [
            f"{counted(self.entered, 'customer')} entered playbooks "
            f"with {counted(self.tasks_created, 'task')}"
            if self.entered
            else "no customer entered a playbook"
        ]
        extras = [
            (self.held_back, "held back for comparison"),
            (self.updated, "already in (entry updated)"),
            (self.limited, "stopped by re-entry limits"),
            (self.exited, "left on exit criteria"),
            (self.tasks_woken, "snoozed tasks reopened"),
        ]
        parts += [f"{number} {words}" for number, words in extras if number]
        return ", ".join(parts)


def matches(playbook: Playbook, source: StateSource, customer_id: int, at: datetime) -> bool:
    """The customer's persona is one the playbook is for and its entry criteria hold."""
    definition = playbook.definition
    state = source.state(customer_id, at)
    if definition.persona_ids and state.persona_id not in definition.persona_ids:
        return False
    return entry_met(definition.criteria.entry, state)


def latest_per_customer(events: Iterable[TriggerEvent]) -> dict[int, TriggerEvent]:
    """The most recent event per customer."""
    latest: dict[int, TriggerEvent] = {}
    for event in sorted(events, key=lambda event: event.at):
        latest[event.customer_id] = event
    return latest


def run_triggers(
    db_session: Session, *, at: datetime, with_signals: bool | None = None
) -> TriggerReport:
    """Observe, enter customers on new events, apply exit criteria and wake snoozed tasks.

    Churn signals are computed (one history read per customer) only when an active playbook
    starts on them, unless ``with_signals`` says otherwise.
    """
    report = TriggerReport()
    playbooks = list(
        db_session.scalars(
            select(Playbook).where(Playbook.status == PlaybookStatus.ACTIVE).order_by(Playbook.id)
        )
    )
    definitions = {playbook.id: playbook.definition for playbook in playbooks}
    if with_signals is None:
        with_signals = any(d.trigger.kind is TriggerKind.CHURN_SIGNAL for d in definitions.values())
    report.observations = observe(db_session, at=at, with_signals=with_signals)
    source = load_source(db_session)
    last_triggered = _last_triggered(db_session)
    for playbook in playbooks:
        definition = definitions[playbook.id]
        events = find_events(
            db_session, definition.trigger, since=at - timedelta(days=RECENT_DAYS), until=at
        )
        for customer_id, event in latest_per_customer(events).items():
            previous = last_triggered.get((playbook.id, customer_id))
            if previous is not None and event.at <= previous:
                continue
            if not matches(playbook, source, customer_id, at):
                continue
            customer = db_session.get(Customer, customer_id)
            if customer is None:
                continue
            entry = enrolment.enter(
                db_session,
                playbook=playbook,
                customer=customer,
                reason=event.kind.value,
                detail=event.detail,
                at=at,
            )
            _count(report, entry)
            if entry.result is enrolment.EntryResult.ENTERED and entry.enrolment is not None:
                report.tasks_created += len(definition.steps)
                report.by_playbook[playbook.name] = report.by_playbook.get(playbook.name, 0) + 1
        report.exited += _apply_exits(db_session, playbook, definition.criteria.exit, source, at)
    report.tasks_woken = tasks.wake_snoozed(db_session, today=at.date())
    return report


def _count(report: TriggerReport, entry: enrolment.Entry) -> None:
    """Add one entry attempt to the report."""
    result = entry.result
    if result is enrolment.EntryResult.ENTERED:
        report.entered += 1
    elif result is enrolment.EntryResult.HELD_BACK:
        report.held_back += 1
    elif result is enrolment.EntryResult.UPDATED:
        report.updated += 1
    else:
        report.limited += 1


def _last_triggered(db_session: Session) -> dict[tuple[int, int], datetime]:
    """When each customer was last triggered into each playbook."""
    rows = db_session.execute(
        select(
            Enrolment.playbook_id, Enrolment.customer_id, func.max(Enrolment.last_triggered_at)
        ).group_by(Enrolment.playbook_id, Enrolment.customer_id)
    )
    return {(playbook_id, customer_id): moment for playbook_id, customer_id, moment in rows}


def _apply_exits(
    db_session: Session,
    playbook: Playbook,
    criteria: list[Criterion],
    source: StateSource,
    at: datetime,
) -> int:
    """End open entries whose customer now meets an exit criterion. Returns how many."""
    if not criteria:
        return 0
    exited = 0
    open_entries = db_session.scalars(
        select(Enrolment).where(Enrolment.playbook_id == playbook.id, Enrolment.exited_at.is_(None))
    )
    for entry in open_entries:
        criterion = exit_met(criteria, source.state(entry.customer_id, at))
        if criterion is not None:
            reason = f"exit criterion met: {criterion_words(criterion)}"
            enrolment.leave(db_session, enrolment=entry, reason=reason, at=at)
            exited += 1
    return exited
