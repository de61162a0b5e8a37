"""A customer's tickets, email threads and chats: when they happen, what they say, their truth.

Conversations are placed in the customer's observed life (tickets cluster in rough patches),
planned by :mod:`cspersona.synth.dialogue` from the customer's mood and friction that week, and
written by :mod:`cspersona.synth.composer`. Nothing is written after the customer churns or after
the window ends: a thread cut off there stays open.
"""

import random
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from cspersona.catalogue.models import Catalogue
from cspersona.conversations.models import AuthorRole
from cspersona.synth import ids
from cspersona.synth.composer import Composer, Voice
from cspersona.synth.dialogue import Act, DialoguePlanner, Plan, Situation, Turn
from cspersona.synth.fillers import MONTHS, ConversationFacts, Fillers
from cspersona.synth.grammar import Issue
from cspersona.synth.labels import ConversationKind, Sentiment, Topic
from cspersona.synth.life import DAYS_PER_WEEK, Life
from cspersona.synth.people import Company, Person
from cspersona.synth.spec import DialogueSpec
from cspersona.synth.traits import CustomerTraits

SATURDAY = 5
WORKDAY_HOURS = (8.0, 18.0)
IDENTITY_PROVIDERS = ("Okta", "Azure AD")
MINIMUM_GAP = timedelta(seconds=20)
DAY_ABBREVIATIONS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Whom a customer greets before they know a staff member by name ("Hi team,").
GROUP_ADDRESSEES = ("team", "Support", "all")


@dataclass(frozen=True)
class Drift:
    """A planted change of habits: from ``on``, the customer writes with ``traits``."""

    on: date
    traits: CustomerTraits


@dataclass(frozen=True)
class Customer:
    """Everything about one customer that its conversations depend on."""

    index: int
    traits: CustomerTraits
    company: Company
    life: Life
    agents: tuple[Person, ...]
    cutoff: datetime
    drift: Drift | None = None

    def on(self, day: date) -> "Customer":
        """The customer as they were on ``day``: with the drifted traits from the drift's day."""
        if self.drift is None or day < self.drift.on:
            return self
        return replace(self, traits=self.drift.traits)


@dataclass
class ConversationRows:
    """Rows of the dataset files and of the truth files, for one customer's conversations."""

    interactions: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    truth_interactions: list[dict[str, Any]] = field(default_factory=list)
    truth_messages: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class _Sent:
    """A realised message, kept until the conversation's rows are written."""

    turn: Turn
    author: Person
    sent_at: datetime
    own_text: str
    text: str
    topical: bool
    body: str


class ConversationWriter:
    """Schedules, plans and writes a customer's conversations."""

    def __init__(self, spec: DialogueSpec, composer: Composer, catalogue: Catalogue) -> None:
        """Keep the dynamics, the phrase banks and the product the text talks about."""
        self.spec = spec
        self.composer = composer
        self.planner = DialoguePlanner(spec)
        self.catalogue = catalogue
        self.nouns = composer.grammar.pools.nouns

    def write(
        self, customer: Customer, counts: dict[ConversationKind, int], rng: random.Random
    ) -> ConversationRows:
        """Every conversation of ``customer``, in the volumes ``counts`` asks for."""
        rows = ConversationRows()
        life = customer.life
        days = [life.start + timedelta(days=offset) for offset in range(life.active_days)]
        workday = [0.1 if day.weekday() >= SATURDAY else 1.0 for day in days]
        friction = [float(life.friction[offset // DAYS_PER_WEEK]) for offset in range(len(days))]
        rough = [
            weight * (1 + self.spec.friction_ticket_weight * level)
            for weight, level in zip(workday, friction, strict=True)
        ]
        offset_hours = customer.company.firmographics.region.utc_offset_hours
        starts = []
        for kind in ConversationKind:
            weights = rough if kind is ConversationKind.TICKET else workday
            count = counts.get(kind, 0) if days else 0
            for day in rng.choices(days, weights=weights, k=count):
                starts.append((_working_moment(day, offset_hours, rng), kind))
        numbers = dict.fromkeys(ConversationKind, 0)
        for moment, kind in sorted(starts):
            numbers[kind] += 1
            external_id = ids.interaction_id(kind, customer.index, numbers[kind])
            self._conversation(customer.on(moment.date()), kind, external_id, moment, rng, rows)
        return rows

    def _conversation(
        self,
        customer: Customer,
        kind: ConversationKind,
        external_id: str,
        started_at: datetime,
        rng: random.Random,
        rows: ConversationRows,
    ) -> None:
        spec, life, traits = self.spec, customer.life, customer.traits
        week = life.week_of(started_at.date())
        quiet = life.champion_gone(started_at.date())
        topic = _weighted_topic(traits.topics, spec.channel_topic_affinity[kind], rng)
        channel = self._channel(kind, traits, rng)
        csm_initiated = kind is ConversationKind.EMAIL and rng.random() < spec.csm_initiated_share
        no_reply = spec.quiet_no_reply_rate if quiet else spec.no_reply_rate
        contacts = customer.company.contacts
        contact = (
            contacts[0]
            if not quiet and rng.random() < spec.champion_share
            else rng.choice(contacts[1:])
        )
        plan = self.planner.plan(
            rng,
            Situation(
                kind=kind,
                topic=topic,
                mood=float(life.mood[week]),
                friction=float(life.friction[week]),
                traits=traits,
                csm_initiated=csm_initiated,
                unanswered=csm_initiated and rng.random() < no_reply,
            ),
        )
        staff_member = (
            customer.company.firmographics.csm
            if kind is ConversationKind.EMAIL
            else rng.choice(customer.agents)
        )
        facts = self._facts(customer, contact, staff_member, topic, kind, rng)
        voice = Voice.of(traits)
        # One set of fillers for the whole conversation: a detail drawn once (an invoice
        # number, a request id) stays the same in every message that mentions it.
        fillers = Fillers(facts, rng, started_at, self.nouns)
        issue = rng.choice(self.composer.grammar.topics[topic].issues)
        fillers["thing"] = self.composer.thing(rng, fillers, issue, voice)
        subject = None
        if kind is not ConversationKind.CHAT:
            subject = (
                self.composer.csm_subject(rng, fillers, topic)
                if csm_initiated
                else self.composer.subject(rng, fillers, issue, voice)
            )
        sent = self._realise(
            plan,
            customer,
            kind,
            channel,
            topic,
            issue,
            contact,
            staff_member,
            fillers,
            started_at,
            voice,
            rng,
        )
        complete = len(sent) == len(plan.turns)
        status, closed_at = _status(
            kind, plan, sent, complete, spec, life.friction[week], rng, customer.cutoff
        )
        rows.interactions.append(
            {
                "external_id": external_id,
                "customer_external_id": customer.company.external_id,
                "contact_external_id": contact.external_id,
                "type": kind.value,
                "channel": channel,
                "subject": subject,
                "status": status,
                "priority": plan.priority,
                "started_at": sent[0].sent_at,
                "closed_at": closed_at,
            }
        )
        self._rows(external_id, topic, sent, rows)

    def _realise(
        self,
        plan: Plan,
        customer: Customer,
        kind: ConversationKind,
        channel: str,
        topic: Topic,
        issue: Issue,
        contact: Person,
        staff_member: Person,
        fillers: Fillers,
        started_at: datetime,
        voice: Voice,
        rng: random.Random,
    ) -> list[_Sent]:
        """Timestamps and words for each planned turn, up to the customer's cutoff."""
        sent: list[_Sent] = []
        moment = started_at
        quoting = kind is ConversationKind.EMAIL or channel == "email"
        for turn in plan.turns:
            moment = moment + max(turn.delay, MINIMUM_GAP) if sent else moment
            moment = moment.replace(microsecond=0)
            if moment >= customer.cutoff:
                break
            customer_turn = turn.role is AuthorRole.CUSTOMER
            fillers["to_first"] = _addressee(customer_turn, kind, sent, staff_member, contact, rng)
            if customer_turn:
                written = self.composer.customer(
                    rng,
                    fillers,
                    act=turn.act,
                    topic=topic,
                    issue=issue,
                    sentiment=turn.sentiment,
                    emotions=turn.emotions,
                    kind=kind,
                    channel=channel,
                    voice=voice,
                    opening=not sent,
                )
            else:
                written = self.composer.staff(
                    rng,
                    fillers,
                    act=turn.act,
                    role=turn.role,
                    topic=topic,
                    issue=issue,
                    sentiment=turn.sentiment,
                    quality=turn.quality,
                    kind=kind,
                )
            text = written.text
            author = contact if customer_turn else staff_member
            footer = (
                self.composer.disclaimer(
                    fillers, channel=channel, key=f"{author.external_id}|{moment.isoformat()}"
                )
                if customer_turn and kind is not ConversationKind.CHAT
                else None
            )
            if footer:
                text += "\n\n" + footer
            if quoting and sent and rng.random() < self.spec.quote_rate:
                previous = sent[-1]
                fillers["quote_name"] = previous.author.full_name
                fillers["quote_email"] = previous.author.email
                fillers["quote_date"] = _mail_date(previous.sent_at)
                text += "\n\n" + self.composer.quote(rng, fillers, previous.own_text)
            sent.append(
                _Sent(turn, author, moment, written.text, text, written.topical, written.body)
            )
        return sent

    def _rows(
        self, external_id: str, topic: Topic, sent: list[_Sent], rows: ConversationRows
    ) -> None:
        escalation_seq = next(
            (seq for seq, item in enumerate(sent) if item.turn.act is Act.ESCALATE), None
        )
        recovered = escalation_seq is not None and any(
            item.turn.role is AuthorRole.CUSTOMER and item.turn.sentiment is not Sentiment.NEGATIVE
            for item in sent[escalation_seq + 1 :]
        )
        rows.truth_interactions.append(
            {
                "external_id": external_id,
                "topic": topic.value,
                "escalated": escalation_seq is not None,
                "escalation_seq": escalation_seq,
                "recovered": recovered,
            }
        )
        for seq, item in enumerate(sent):
            message_id = ids.message_id(external_id, seq)
            customer_turn = item.turn.role is AuthorRole.CUSTOMER
            rows.messages.append(
                {
                    "external_id": message_id,
                    "interaction_external_id": external_id,
                    "seq": seq,
                    "author_role": item.turn.role.value,
                    "author_id": item.author.external_id,
                    "sent_at": item.sent_at,
                    "text": item.text,
                }
            )
            rows.truth_messages.append(
                {
                    "external_id": message_id,
                    "sentiment": item.turn.sentiment.value,
                    "emotions": [emotion.value for emotion in item.turn.emotions]
                    if customer_turn
                    else None,
                    "topic": topic.value if item.topical else None,
                    "reply_quality": item.turn.quality.value if item.turn.quality else None,
                    "body": item.body if customer_turn else None,
                }
            )

    def _channel(self, kind: ConversationKind, traits: CustomerTraits, rng: random.Random) -> str:
        if kind is ConversationKind.EMAIL:
            return "email"
        mix = traits.ticket_channels if kind is ConversationKind.TICKET else traits.chat_channels
        keys = list(mix)
        return rng.choices(keys, weights=[mix[key] for key in keys])[0]

    def _facts(
        self,
        customer: Customer,
        contact: Person,
        staff_member: Person,
        topic: Topic,
        kind: ConversationKind,
        rng: random.Random,
    ) -> ConversationFacts:
        """What a conversation's phrases may name: people, the product, the problem's objects."""
        catalogue = self.catalogue
        company = customer.company
        plan_index = customer.life.contract_on(customer.life.start).plan_index
        features = {feature.key: feature for feature in catalogue.features}
        topic_features = [
            key for key in self.composer.grammar.topics[topic].features if key in features
        ]
        mix = customer.traits.features
        candidates = topic_features or list(features)
        feature = features[
            rng.choices(candidates, weights=[mix.get(key, 0.01) for key in candidates])[0]
        ]
        integrations = catalogue.integrations or ["your CRM"]
        idps = [name for name in integrations if name in IDENTITY_PROVIDERS] or [
            "our identity provider"
        ]
        return ConversationFacts(
            product=catalogue.product,
            company=company.name,
            feature=feature.name
            if rng.random() < 0.6 or not feature.aliases
            else rng.choice(feature.aliases),
            integration=rng.choice(integrations),
            idp=rng.choice(idps),
            competitor=rng.choice(catalogue.competitors or ["another vendor"]),
            plan=catalogue.plans[min(plan_index, len(catalogue.plans) - 1)],
            next_plan=catalogue.plans[min(plan_index + 1, len(catalogue.plans) - 1)],
            ticket=f"#{rng.randint(10000, 99999)}"
            if kind is ConversationKind.TICKET
            else "my last message",
            framework=self.composer.grammar.pools.framework(company.firmographics.industry),
            me_first=contact.first_name,
            me_full=contact.full_name,
            me_role=contact.role,
            me_phone=contact.phone,
            me_email=contact.email,
            agent_first=staff_member.first_name,
            agent_full=staff_member.full_name,
            csm_first=company.firmographics.csm.first_name,
            csm_full=company.firmographics.csm.full_name,
            csm_phone=company.firmographics.csm.phone,
            csm_email=company.firmographics.csm.email,
        )


def _weighted_topic(
    mix: dict[Topic, float], affinity: dict[Topic, float], rng: random.Random
) -> Topic:
    topics = list(mix)
    return rng.choices(topics, weights=[mix[topic] * affinity.get(topic, 1.0) for topic in topics])[
        0
    ]


def _addressee(
    customer_turn: bool,
    kind: ConversationKind,
    sent: list[_Sent],
    staff_member: Person,
    contact: Person,
    rng: random.Random,
) -> str:
    """Whom a message greets: the customer; or the agent or CSM, once the customer knows them."""
    if not customer_turn:
        return contact.first_name
    knows_staff = kind is ConversationKind.EMAIL or any(
        item.turn.role is not AuthorRole.CUSTOMER for item in sent
    )
    return staff_member.first_name if knows_staff else rng.choice(GROUP_ADDRESSEES)


def _status(
    kind: ConversationKind,
    plan: Plan,
    sent: list[_Sent],
    complete: bool,
    spec: DialogueSpec,
    friction: float,
    rng: random.Random,
    cutoff: datetime,
) -> tuple[str | None, datetime | None]:
    """A ticket's or chat's status and closing time; email threads have neither."""
    last = sent[-1].sent_at
    if kind is ConversationKind.EMAIL:
        return None, None
    if kind is ConversationKind.CHAT:
        return ("closed", last + timedelta(minutes=1)) if complete else ("open", None)
    if not complete:
        return rng.choice(("open", "pending")), None
    slowdown = 1 + spec.friction_delay_weight * friction
    if plan.resolved:
        status, closed_at = "solved", last + timedelta(hours=rng.uniform(0.5, 24) * slowdown)
    else:
        escalated = any(item.turn.act is Act.ESCALATE for item in sent)
        lingers = spec.unresolved_base + spec.unresolved_friction_weight * friction
        lingers += spec.unresolved_escalation_weight if escalated else 0.0
        days = rng.uniform(*spec.unresolved_days) if rng.random() < lingers else rng.uniform(1, 5)
        status, closed_at = "closed", last + timedelta(days=days * slowdown)
    if closed_at >= cutoff:
        return rng.choice(("open", "pending")), None
    return status, closed_at.replace(microsecond=0)


def _working_moment(day: date, utc_offset_hours: int, rng: random.Random) -> datetime:
    """A moment in the working hours of the customer's region, kept on the same UTC day."""
    midnight = datetime.combine(day, time(0), tzinfo=UTC)
    hours = min(max(rng.uniform(*WORKDAY_HOURS) - utc_offset_hours, 0.0), 23.0)
    return midnight + timedelta(seconds=int(hours * 3600))


def _mail_date(moment: datetime) -> str:
    """``Tue, Mar 4, 2025 at 10:15 AM``, as mail clients write it."""
    hour = moment.hour % 12 or 12
    meridiem = "AM" if moment.hour < 12 else "PM"
    weekday, month = DAY_ABBREVIATIONS[moment.weekday()], MONTHS[moment.month - 1][:3]
    return (
        f"{weekday}, {month} {moment.day}, {moment.year} at {hour}:{moment.minute:02d} {meridiem}"
    )
