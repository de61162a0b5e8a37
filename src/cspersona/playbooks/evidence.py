"""What the generator knows about a persona: profile, drivers and its members' history, in words.

Every fact is gathered once, as numbers and CSM-readable words (drivers as the churn stage phrased
them, never column names), so the offline templates and the LLM build from the same evidence and a
generated playbook can list exactly what it used.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspersona.analytics.dynamics import EFFECT_MARGIN
from cspersona.analytics.glossary import CONVERSATION_TYPES, plain_name
from cspersona.analytics.models import InteractionAnalysis
from cspersona.config import Settings
from cspersona.conversations.models import AuthorRole, Interaction
from cspersona.customers.models import LifecycleEvent, LifecycleKind
from cspersona.personas.current import current_personas
from cspersona.personas.models import Persona
from cspersona.personas.overlays import persona_guidance
from cspersona.playbooks.context import Register, register_of
from cspersona.playbooks.definition import Evidence
from cspersona.predict.interventions import theme
from cspersona.predict.models import ChurnScore, ExpansionScore

# What each driver theme (``predict.interventions.theme``) is called in a CSM's words.
THEME_WORDS: dict[str, str] = {
    "defects": "unresolved problems and escalations",
    "price": "price and renewal terms",
    "technical": "technical issues",
    "confusion": "how-to questions",
    "sentiment": "NPS answers and mood",
    "usage": "product use and adoption",
    "relationship": "contact and responsiveness",
    "support": "support load",
}
TOP_THEMES = 3
YEAR_DAYS = 365
MIN_SAMPLE = 5  # fewer replies than this on a channel say nothing about it


@dataclass(frozen=True)
class DriverTheme:
    """A theme of risk-raising drivers: how many members it concerns and a typical case."""

    theme: str
    customers: int
    example: str

    @property
    def words(self) -> str:
        """The theme in words."""
        return THEME_WORDS.get(self.theme, self.theme)


@dataclass
class PersonaEvidence:
    """The facts a persona's playbooks are built from; ``facts`` lists them as evidence."""

    persona_id: int
    persona_name: str
    register: Register
    members: int = 0
    at_high_risk: int = 0
    churn_themes: list[DriverTheme] = field(default_factory=list)
    expansion_now: int = 0
    expansion_reasons: list[str] = field(default_factory=list)
    expansion_drivers: list[str] = field(default_factory=list)
    next_features: list[str] = field(default_factory=list)
    churned: int = 0
    renewed: int = 0
    expanded: int = 0
    # The history's last year: members still customers when it began, and what they did in it.
    year_start_members: int = 0
    churned_last_year: int = 0
    expanded_last_year: int = 0
    pain_points: list[str] = field(default_factory=list)
    triggers: list[str] = field(default_factory=list)
    success_metrics: list[str] = field(default_factory=list)
    industry_advice: list[str] = field(default_factory=list)
    facts: list[Evidence] = field(default_factory=list)

    @property
    def churn_rate(self) -> float:
        """The share of members churning in the history's last year."""
        return self.churned_last_year / self.year_start_members if self.year_start_members else 0.0

    @property
    def expansion_rate(self) -> float:
        """The share of members expanding in the history's last year."""
        return self.expanded_last_year / self.year_start_members if self.year_start_members else 0.0

    @property
    def high_risk_share(self) -> float:
        """The share of members at high churn risk now."""
        return self.at_high_risk / self.members if self.members else 0.0


def active_personas(db_session: Session, persona_ids: Iterable[int] | None) -> list[Persona]:
    """Active, unmerged personas, all or those named, by id."""
    statement = (
        select(Persona)
        .where(Persona.active.is_(True), Persona.merged_into_id.is_(None))
        .order_by(Persona.id)
    )
    if persona_ids is not None:
        statement = statement.where(Persona.id.in_(list(persona_ids)))
    return list(db_session.scalars(statement))


def gather(db_session: Session, persona: Persona, *, settings: Settings) -> PersonaEvidence:
    """Everything the generator may say about ``persona``, each fact also listed as evidence."""
    members = sorted(
        customer_id
        for customer_id, current in current_personas(db_session=db_session).items()
        if current.persona_id == persona.id
    )
    found = PersonaEvidence(
        persona_id=persona.id,
        persona_name=persona.name,
        register=register_of(persona),
        members=len(members),
    )
    _profile(found, persona, settings)
    if members:
        _churn(found, db_session, members)
        _expansion(found, db_session, members)
        _lifecycle(found, db_session, members)
        _replies(found, db_session, members)
    return found


def _profile(found: PersonaEvidence, persona: Persona, settings: Settings) -> None:
    profile = persona.profile
    found.facts.append(
        Evidence(source="profile", text=f"Writes in a {found.register.words} register.")
    )
    found.pain_points = [point.topic for point in profile.pain_points if point.topic]
    found.triggers = [trigger.emotion for trigger in profile.triggers if trigger.emotion]
    found.success_metrics = [metric.metric for metric in profile.success_metrics if metric.metric]
    if found.pain_points:
        text = f"Topics raised more often than by other customers: {_listed(found.pain_points)}."
        found.facts.append(Evidence(source="profile", text=text))
    if found.triggers:
        text = f"Shows more {_listed(found.triggers)} than other customers."
        found.facts.append(Evidence(source="profile", text=text))
    if found.success_metrics:
        text = f"Measures success by: {'; '.join(found.success_metrics)}."
        found.facts.append(Evidence(source="profile", text=text))
    for guidance in persona_guidance(profile.industries, settings):
        advice = f"{guidance.share:.0%} of members are in {guidance.industry} ({guidance.focus})"
        if guidance.timing:
            advice += f"; timing: {guidance.timing[0]}"
        found.industry_advice.append(advice)
        found.facts.append(Evidence(source="overlay", text=advice + "."))


def _latest_by_customer(rows: Iterable[Any]) -> dict[int, Any]:
    """The last row per customer of rows ordered oldest first."""
    return {row.customer_id: row for row in rows}


def _churn(found: PersonaEvidence, db_session: Session, members: list[int]) -> None:
    scores = _latest_by_customer(
        db_session.scalars(
            select(ChurnScore)
            .where(ChurnScore.customer_id.in_(members))
            .order_by(ChurnScore.scored_at, ChurnScore.horizon_days, ChurnScore.id)
        )
    )
    found.at_high_risk = sum(score.risk_tier == "high" for score in scores.values())
    if scores:
        text = (
            f"{found.at_high_risk} of {len(scores)} scored members {_are(found.at_high_risk)} "
            "at high churn risk now."
        )
        found.facts.append(Evidence(source="churn_drivers", text=text))
    cases: dict[str, list[tuple[str, float, str]]] = defaultdict(list)
    for score in scores.values():
        seen: set[str] = set()
        for driver in score.drivers:
            label = theme(str(driver.get("column", "")))
            contribution = float(driver.get("contribution", 0.0))
            statement = _statement(driver)
            if label is None or contribution <= 0 or label in seen or not statement:
                continue
            seen.add(label)
            cases[label].append((str(driver["column"]), contribution, statement))
    ranked = sorted(cases.items(), key=lambda item: (-len(item[1]), item[0]))[:TOP_THEMES]
    for label, pushes in ranked:
        typical = _typical(pushes)
        found.churn_themes.append(DriverTheme(label, len(pushes), typical))
        text = (
            f"Churn risk is raised by {THEME_WORDS.get(label, label)} for {len(pushes)} of "
            f"{found.members} members; a typical case: {typical}."
        )
        found.facts.append(Evidence(source="churn_drivers", text=text))


def _typical(pushes: list[tuple[str, float, str]]) -> str:
    """The theme's commonest driver column, said for its median push: a typical case."""
    column = Counter(found for found, _, _ in pushes).most_common(1)[0][0]
    same = sorted((push, words) for found, push, words in pushes if found == column)
    return same[len(same) // 2][1]


def _statement(driver: dict[str, Any]) -> str:
    """A driver's value in words without its effect, as the churn stage stored it."""
    # A phrase ends with its effect after the last colon: "...: strongly raises churn risk".
    said = str(driver.get("plain") or str(driver.get("phrase") or "").rsplit(": ", 1)[0])
    # The glossary adds the book's usual value after a semicolon; a bracket reads better in a list.
    value, _, usual = said.partition("; ")
    return f"{value} ({usual})" if usual else value


def _expansion(found: PersonaEvidence, db_session: Session, members: list[int]) -> None:
    scores = _latest_by_customer(
        db_session.scalars(
            select(ExpansionScore)
            .where(ExpansionScore.customer_id.in_(members))
            .order_by(ExpansionScore.scored_at, ExpansionScore.id)
        )
    )
    ready = [score for score in scores.values() if (score.timing or {}).get("when") == "now"]
    found.expansion_now = len(ready)
    reasons = Counter(
        str(score.timing["reason"]).split(" (")[0] for score in ready if score.timing.get("reason")
    )
    found.expansion_reasons = [reason for reason, _ in reasons.most_common(2)]
    drivers: dict[str, list[str]] = defaultdict(list)
    features: Counter[str] = Counter()
    for score in ready:
        for driver in score.drivers:
            if float(driver.get("contribution", 0.0)) > 0 and _statement(driver):
                drivers[str(driver.get("column"))].append(_statement(driver))
        if score.next_features:
            features[str(score.next_features[0].get("feature", ""))] += 1
    common = sorted(drivers.values(), key=lambda cases: -len(cases))[:2]
    found.expansion_drivers = [
        cases[len(cases) // 2] + (f", in {len(cases)} of them" if len(cases) > 1 else "")
        for cases in common
    ]
    found.next_features = [plain_name(name) for name, _ in features.most_common(2) if name]
    if not ready:
        return
    text = (
        f"{len(ready)} of {found.members} members {_are(len(ready))} ready for an expansion "
        "conversation now"
    )
    if found.expansion_reasons:
        text += f" ({'most often' if len(ready) > 1 else 'why'}: {found.expansion_reasons[0]})"
    found.facts.append(Evidence(source="expansion_drivers", text=text + "."))
    if found.expansion_drivers:
        text = f"What points to expansion: {'; '.join(found.expansion_drivers)}."
        found.facts.append(Evidence(source="expansion_drivers", text=text))
    if found.next_features:
        text = f"Most likely next feature: {_listed(found.next_features)}."
        found.facts.append(Evidence(source="expansion_drivers", text=text))


def _lifecycle(found: PersonaEvidence, db_session: Session, members: list[int]) -> None:
    """Churns, renewals and expansions ever, and the churn and expansion rates of the last year.

    The year ends at the newest contract event of the whole book, so a demo or an old export
    reads its own last year rather than an empty one before today.
    """
    end = db_session.scalar(select(func.max(LifecycleEvent.at)))
    rows = db_session.execute(
        select(LifecycleEvent.kind, LifecycleEvent.customer_id, LifecycleEvent.at).where(
            LifecycleEvent.customer_id.in_(members)
        )
    ).all()
    if end is None:
        return
    start = end - timedelta(days=YEAR_DAYS)
    ever: dict[LifecycleKind, set[int]] = defaultdict(set)
    in_year: dict[LifecycleKind, set[int]] = defaultdict(set)
    gone_before: set[int] = set()
    for kind, customer_id, at in rows:
        ever[kind].add(customer_id)
        if at >= start:
            in_year[kind].add(customer_id)
        elif kind is LifecycleKind.CHURNED:
            gone_before.add(customer_id)
    found.churned = len(ever[LifecycleKind.CHURNED])
    found.renewed = len(ever[LifecycleKind.RENEWED])
    found.expanded = len(ever[LifecycleKind.EXPANDED])
    found.year_start_members = len(set(members) - gone_before)
    found.churned_last_year = len(in_year[LifecycleKind.CHURNED] - gone_before)
    found.expanded_last_year = len(in_year[LifecycleKind.EXPANDED] - gone_before)
    text = (
        f"In the history's last year, {found.churned_last_year} of {found.year_start_members} "
        f"members churned ({found.churn_rate:.0%}) and {found.expanded_last_year} expanded "
        f"({found.expansion_rate:.0%}); over the whole history, {found.churned} churned, "
        f"{found.renewed} renewed at least once and {found.expanded} expanded."
    )
    found.facts.append(Evidence(source="history", text=text))


def _replies(found: PersonaEvidence, db_session: Session, members: list[int]) -> None:
    rows = db_session.execute(
        select(Interaction.type, InteractionAnalysis.reply_effects)
        .join(Interaction, Interaction.id == InteractionAnalysis.interaction_id)
        .where(InteractionAnalysis.customer_id.in_(members))
    ).all()
    helped: Counter[str] = Counter()
    replies: Counter[str] = Counter()
    for kind, effects in rows:
        for effect in effects or []:
            if effect.get("role") != AuthorRole.CSM.value:
                continue
            replies[str(kind)] += 1
            helped[str(kind)] += float(effect.get("delta", 0.0)) > EFFECT_MARGIN
    total = sum(replies.values())
    if total < MIN_SAMPLE:
        return
    text = (
        f"{sum(helped.values())} of {total} CSM replies to these members were followed by a "
        f"warmer customer message ({sum(helped.values()) / total:.0%})"
    )
    channels = [
        f"{CONVERSATION_TYPES.get(kind, kind)} {helped[kind] / count:.0%}"
        for kind, count in replies.most_common()
        if count >= MIN_SAMPLE
    ]
    if len(channels) > 1:
        text += f"; by kind of conversation: {', '.join(channels)}"
    found.facts.append(Evidence(source="history", text=text + "."))


def _are(count: int) -> str:
    return "is" if count == 1 else "are"


def _listed(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"
