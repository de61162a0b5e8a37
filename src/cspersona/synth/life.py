"""A customer's life over the window: weekly latent states and the contract events they cause.

Three latent states move week by week: engagement (how much the team uses the product), mood
(how they feel about the vendor) and friction (open problems). Each surfaces in one observable
stream: usage; message sentiment and NPS; ticket load, slow replies and unresolved tickets; and a
champion who leaves stops writing. Small wobbles and random incidents move them all the time.

Churn follows from risk episodes: weeks in which some of those streams turn bad together. An
episode either ends in churn some weeks later or fades; the odds of churn grow with how deep
each decline runs and whether the champion left, so the signal is spread over several
observables, and noise (recovering episodes, a little silent churn) keeps it imperfect.

CSM programmes (``synth.programmes``) may enrol a customer a few weeks into an episode; treatment
can avert the episode's churn and raise the expansion hazard, so a treated life really changes.
"""

import math
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

import numpy as np

from cspersona.customers.models import LifecycleKind
from cspersona.interventions.models import Arm
from cspersona.synth.programmes import HORIZON, Enrolment, enrol
from cspersona.synth.spec import LifeSpec, ProgrammeSpec, RiskSpec
from cspersona.synth.traits import CustomerTraits

DAYS_PER_WEEK = 7
WEEK = timedelta(days=DAYS_PER_WEEK)
RENEWAL_TIME = time(12)
# A programme's entry is logged at the start of the week the CSM notices the episode.
ENTRY_TIME = time(9)
DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class Contract:
    """What the customer pays for at one moment."""

    seats: int
    plan_index: int
    discount: float

    def annual_value(self, price_range: tuple[float, float], plan_count: int) -> float:
        """ARR in USD: seats times the plan's monthly seat price, less the discount."""
        position = self.plan_index / (plan_count - 1) if plan_count > 1 else 0.0
        seat_price = price_range[0] + position * (price_range[1] - price_range[0])
        return round(self.seats * seat_price * 12 * (1 - self.discount), 2)


@dataclass(frozen=True)
class ContractEvent:
    """A renewal, expansion, contraction, downgrade or churn: the contract before and after."""

    kind: LifecycleKind
    at: datetime
    before: Contract
    after: Contract


@dataclass(frozen=True)
class Episode:
    """A risk episode: when it starts, how deep each decline goes, and how it ends."""

    onset: int
    ramp: int
    hold: int
    recovery: int
    usage_depth: float
    mood_depth: float
    friction_depth: float
    champion_lost: bool
    churn_week: int | None
    churn_probability: float
    churn_due_week: int

    def progress(self, week: int) -> float:
        """How far the declines have gone in ``week``: 0 before and after, 1 at full depth."""
        since = week - self.onset
        if since < 0:
            return 0.0
        if since < self.ramp:
            return (since + 1) / self.ramp
        if self.churn_week is not None or since < self.ramp + self.hold:
            return 1.0
        return max(0.0, 1.0 - (since - self.ramp - self.hold + 1) / self.recovery)

    @property
    def length(self) -> int:
        """Weeks from onset until it has faded, if it does not end in churn."""
        return self.ramp + self.hold + self.recovery

    def over(self, week: int) -> bool:
        """Whether the episode has faded completely by ``week``."""
        return self.churn_week is None and week >= self.onset + self.length


@dataclass(frozen=True)
class Entry:
    """A customer's entry into a programme, with what a fair estimator targets over ``HORIZON``.

    ``churn_due_in_horizon`` says whether the episode's churn, were it to come, falls within
    ``HORIZON`` of entry; the potential churn probabilities are the episode's probability
    times that, untreated and treated. Silent churn (no episode) is left out of both.
    """

    playbook: str
    at: datetime
    arm: Arm
    churn_reduction: float
    expansion_lift: float
    episode_churn_probability: float
    churn_due_in_horizon: bool
    contract: Contract

    @property
    def churn_probability_held_back(self) -> float:
        """Chance of churning within the horizon without treatment."""
        return self.episode_churn_probability if self.churn_due_in_horizon else 0.0

    @property
    def churn_probability_treated(self) -> float:
        """Chance of churning within the horizon with treatment."""
        return self.churn_probability_held_back * (1 - self.churn_reduction)


@dataclass(frozen=True)
class Life:
    """One customer's observed life: weekly latent states from ``start`` until ``end``."""

    start: date
    end: date
    engagement: np.ndarray
    mood: np.ndarray
    friction: np.ndarray
    champion_left_week: int | None
    churned_at: datetime | None
    events: tuple[ContractEvent, ...]
    initial: Contract
    episodes: tuple[Episode, ...]
    entries: tuple[Entry, ...] = ()

    @property
    def active_days(self) -> int:
        """Days with data: from the first observed day up to churn or the window's end."""
        return (self.end - self.start).days

    def week_of(self, moment: date) -> int:
        """Index of the week that holds ``moment`` (clamped to the observed weeks)."""
        week = (moment - self.start).days // DAYS_PER_WEEK
        return min(max(week, 0), len(self.engagement) - 1)

    def champion_gone(self, moment: date) -> bool:
        """Whether the main contact has left by ``moment``."""
        return (
            self.champion_left_week is not None and self.week_of(moment) >= self.champion_left_week
        )

    @property
    def champion_left_at(self) -> date | None:
        """The first day of the week the champion left in."""
        if self.champion_left_week is None:
            return None
        return self.start + timedelta(days=DAYS_PER_WEEK * self.champion_left_week)

    def contract_on(self, moment: date) -> Contract:
        """The contract in force on ``moment``."""
        current = self.initial
        for event in self.events:
            if event.at.date() > moment:
                break
            current = event.after
        return current


def anniversaries(contract_start: date, after: date, until: date) -> list[date]:
    """Contract anniversaries in ``(after, until]`` (29 February renews on the 28th)."""
    found = []
    for year in range(contract_start.year + 1, until.year + 1):
        try:
            day = contract_start.replace(year=year)
        except ValueError:
            day = contract_start.replace(year=year, day=28)
        if after < day <= until:
            found.append(day)
    return found


def next_anniversary(contract_start: date, after: date) -> date:
    """The first contract anniversary after ``after``."""
    return anniversaries(contract_start, after, after + timedelta(days=367))[0]


def simulate_life(
    *,
    traits: CustomerTraits,
    spec: LifeSpec,
    contract_start: date,
    initial: Contract,
    plan_count: int,
    window_start: date,
    window_end: date,
    rng: np.random.Generator,
    programmes: list[ProgrammeSpec] | None = None,
    programme_rng: np.random.Generator | None = None,
) -> Life:
    """Walk the weekly states from the first observed week to churn or the window's end.

    ``programmes`` (those serving the customer's archetype) may enrol it when an episode
    starts, drawing from ``programme_rng`` only (see ``synth.programmes``).
    """
    start = max(window_start, contract_start)
    weeks = (window_end - start).days // DAYS_PER_WEEK + 1
    scalars = traits.scalars
    draws = rng.random((weeks, 9))
    noise = rng.normal(size=(weeks, 2))
    severity = rng.exponential(1.0, size=weeks)
    champion_weekly = 1 - (1 - scalars.champion_turnover) ** (1 / weeks)
    renewals = anniversaries(contract_start, start - timedelta(days=1), window_end)
    renewal_horizon = timedelta(days=spec.renewal_window_days)

    wobble = float(
        rng.normal(0, _stationary_sd(spec.engagement_noise, spec.engagement_persistence))
    )
    temper = float(rng.normal(0, _stationary_sd(spec.mood_noise, spec.mood_persistence)))
    incidents = 0.0
    episode: Episode | None = None
    episodes: list[Episode] = []
    champion_left_week: int | None = None
    contract = initial
    events: list[ContractEvent] = []
    last_expansion = contract_start
    churned_at: datetime | None = None
    entries: list[Entry] = []
    lift, lift_until = 1.0, start
    path: list[tuple[float, float, float]] = []
    for week in range(weeks):
        week_start = start + timedelta(days=DAYS_PER_WEEK * week)
        near_renewal = any(week_start <= day < week_start + renewal_horizon for day in renewals)
        if episode is None or episode.over(week):
            rate = spec.risk.weekly_rate * scalars.churn_hazard
            if near_renewal:
                rate *= spec.renewal_risk_factor
            episode = _start_episode(week, spec.risk, rng) if draws[week, 0] < rate else None
            if episode is not None:
                episodes.append(episode)
        if (
            programmes
            and programme_rng is not None
            and episode is not None
            and not _entered(entries, episode, start)
        ):
            enrolment = enrol(programmes, week - episode.onset, programme_rng)
            if enrolment is not None:
                entries.append(_entry(enrolment, episode, week_start, start, contract, draws[:, 5]))
                if enrolment.saved:
                    episode = episodes[-1] = replace(episode, churn_week=None)
                if enrolment.arm is Arm.TREATED:
                    lift = 1 + enrolment.programme.expansion_lift
                    lift_until = next_anniversary(
                        contract_start, start + WEEK * (episode.onset + episode.length)
                    )
        depth = episode.progress(week) if episode else 0.0
        engagement = wobble - (episode.usage_depth * depth if episode else 0.0)
        mood = temper - (episode.mood_depth * depth if episode else 0.0)
        friction = incidents + (episode.friction_depth * depth if episode else 0.0)
        path.append((engagement, mood, friction))
        moment = _working_moment(week_start, draws[week, 5])
        # Renewals of this week happen in time order with the week's churn or expansion.
        this_week = [
            _renewal_moment(day) for day in renewals if week_start <= day < week_start + WEEK
        ]
        for renewal in (at for at in this_week if at <= moment):
            contract = _renew(contract, engagement, renewal, spec, draws[week, 7:9], events)
        ends_here = episode is not None and episode.churn_week == week
        silent = draws[week, 1] < spec.silent_churn_weekly * scalars.churn_hazard
        if moment.date() <= window_end and (ends_here or silent):
            churned_at = moment
            gone = Contract(0, contract.plan_index, contract.discount)
            events.append(ContractEvent(LifecycleKind.CHURNED, moment, contract, gone))
            break
        expansion_rate = (
            spec.expansion.base_weekly
            * scalars.expansion_propensity
            * _exp_dot(spec.expansion.weights, {"engagement": engagement, "mood": mood})
            * (lift if week_start < lift_until else 1.0)
        )
        if (
            episode is None
            and moment.date() <= window_end
            and (week_start - last_expansion).days >= spec.expansion_min_gap_days
            and draws[week, 2] < 1 - math.exp(-expansion_rate)
        ):
            larger = _expanded(contract, spec, plan_count, rng)
            events.append(ContractEvent(LifecycleKind.EXPANDED, moment, contract, larger))
            contract, last_expansion = larger, week_start
        for renewal in (at for at in this_week if at > moment):
            contract = _renew(contract, engagement, renewal, spec, draws[week, 7:9], events)
        incident = float(severity[week]) if draws[week, 3] < spec.incident_weekly_rate else 0.0
        wobble = spec.engagement_persistence * wobble + spec.engagement_noise * noise[week, 0]
        temper = (
            spec.mood_persistence * temper
            + spec.mood_noise * noise[week, 1]
            - spec.incident_mood_hit * incident
        )
        incidents = spec.friction_persistence * incidents + incident
        if champion_left_week is None and week + 1 < weeks:
            episode_loss = (
                episode is not None
                and episode.champion_lost
                and week == episode.onset + episode.ramp // 2
            )
            if episode_loss or draws[week, 4] < champion_weekly:
                champion_left_week = week + 1
    states = np.array(path)
    end = churned_at.date() if churned_at else window_end + timedelta(days=1)
    return Life(
        start=start,
        end=end,
        engagement=states[:, 0],
        mood=states[:, 1],
        friction=states[:, 2],
        champion_left_week=champion_left_week,
        churned_at=churned_at,
        events=tuple(events),
        initial=initial,
        episodes=tuple(episodes),
        entries=tuple(entries),
    )


def _entered(entries: list[Entry], episode: Episode, start: date) -> bool:
    """Whether ``episode`` already has an entry (a customer enters once per episode)."""
    return bool(entries) and entries[-1].at.date() >= start + WEEK * episode.onset


def _entry(
    enrolment: Enrolment,
    episode: Episode,
    week_start: date,
    start: date,
    contract: Contract,
    moments: np.ndarray,
) -> Entry:
    """The entry at the start of this week, and when the episode's churn would come."""
    at = datetime.combine(week_start, ENTRY_TIME, tzinfo=UTC)
    due = episode.churn_due_week
    draw = float(moments[due]) if due < len(moments) else 0.0
    churn_at = _working_moment(start + WEEK * due, draw)
    programme = enrolment.programme
    return Entry(
        playbook=programme.playbook,
        at=at,
        arm=enrolment.arm,
        churn_reduction=programme.churn_reduction,
        expansion_lift=programme.expansion_lift,
        episode_churn_probability=episode.churn_probability,
        churn_due_in_horizon=churn_at <= at + HORIZON,
        contract=contract,
    )


def _start_episode(week: int, spec: RiskSpec, rng: np.random.Generator) -> Episode:
    """Draw an episode starting in ``week``: its declines, and whether it ends in churn."""
    depths = {
        name: float(rng.uniform(*decline.depth)) if rng.random() < decline.probability else 0.0
        for name, decline in (
            ("usage", spec.usage),
            ("mood", spec.mood),
            ("friction", spec.friction),
        )
    }
    champion_lost = bool(rng.random() < spec.champion_loss)
    logit = spec.churn_logit
    odds = (
        logit["intercept"]
        + sum(logit[name] * depth for name, depth in depths.items())
        + (logit["champion"] if champion_lost else 0.0)
    )
    ramp = int(rng.integers(spec.ramp_weeks[0], spec.ramp_weeks[1] + 1))
    probability = 1 / (1 + math.exp(-odds))
    churns = rng.random() < probability
    delay = int(rng.integers(spec.churn_delay_weeks[0], spec.churn_delay_weeks[1] + 1))
    return Episode(
        onset=week,
        ramp=ramp,
        hold=int(rng.integers(spec.hold_weeks[0], spec.hold_weeks[1] + 1)),
        recovery=int(rng.integers(spec.recovery_weeks[0], spec.recovery_weeks[1] + 1)),
        usage_depth=depths["usage"],
        mood_depth=depths["mood"],
        friction_depth=depths["friction"],
        champion_lost=champion_lost,
        churn_week=week + ramp + delay if churns else None,
        churn_probability=probability,
        churn_due_week=week + ramp + delay,
    )


def _stationary_sd(noise: float, persistence: float) -> float:
    return noise / math.sqrt(1 - persistence**2)


def _exp_dot(weights: dict[str, float], state: dict[str, float]) -> float:
    return math.exp(sum(weight * state[name] for name, weight in weights.items()))


def _working_moment(week_start: date, draw: float) -> datetime:
    """A working-hours moment (UTC) in the five days from ``week_start``, from one uniform draw."""
    day, within_day = divmod(draw * 5, 1.0)
    return datetime.combine(week_start + timedelta(days=int(day)), time(9), tzinfo=UTC) + timedelta(
        minutes=int(within_day * 8 * 60)
    )


def _renewal_moment(day: date) -> datetime:
    return datetime.combine(day, RENEWAL_TIME, tzinfo=UTC)


def _renew(
    contract: Contract,
    engagement: float,
    at: datetime,
    spec: LifeSpec,
    draws: np.ndarray,
    events: list[ContractEvent],
) -> Contract:
    """Record the renewal; a disengaged customer may renew smaller (fewer seats or a lower plan)."""
    events.append(ContractEvent(LifecycleKind.RENEWED, at, contract, contract))
    if engagement >= spec.contraction_engagement_below or draws[0] >= spec.contraction_probability:
        return contract
    if contract.plan_index > 0 and draws[1] < 0.5:
        smaller = Contract(contract.seats, contract.plan_index - 1, contract.discount)
        kind = LifecycleKind.DOWNGRADED
    else:
        low, high = spec.contraction_seat_cut
        cut = low + (high - low) * draws[1]
        smaller = Contract(
            max(1, round(contract.seats * (1 - cut))), contract.plan_index, contract.discount
        )
        kind = LifecycleKind.CONTRACTED
    events.append(ContractEvent(kind, at, contract, smaller))
    return smaller


def _expanded(
    contract: Contract, spec: LifeSpec, plan_count: int, rng: np.random.Generator
) -> Contract:
    """More seats, and sometimes the next plan up."""
    growth = rng.uniform(*spec.expansion_seat_growth)
    upgrade = contract.plan_index < plan_count - 1 and rng.random() < spec.expansion_upgrade_share
    return Contract(
        seats=max(contract.seats + 1, round(contract.seats * (1 + growth))),
        plan_index=contract.plan_index + int(upgrade),
        discount=contract.discount,
    )
