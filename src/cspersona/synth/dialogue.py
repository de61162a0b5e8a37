"""Turn-by-turn plans of conversations: who speaks, with which act, sentiment and emotions.

A customer's mood in a conversation starts from its weekly mood, friction, sentiment bias and the
topic, and moves turn by turn: a helpful reply lifts the next customer turn, an unhelpful one
sinks it, and a turn sour enough may escalate (anger and a trigger phrase). After an escalation
the agent or CSM tries to recover; a helpful recovery brings the customer back to neutral or
positive (``recovered``). Plans carry labels only; :mod:`cspersona.synth.composer` writes the
words, so the truth labels and the text cannot drift apart.
"""

import math
import random
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from cspersona.conversations.models import AuthorRole
from cspersona.synth.labels import ConversationKind, Emotion, ReplyQuality, Sentiment, Topic
from cspersona.synth.spec import DialogueSpec
from cspersona.synth.traits import CustomerTraits

# Emotions that no longer fit once the problem is solved or the chat is ending.
AFTERMATH_FREE = frozenset({Emotion.URGENCY, Emotion.CONFUSION})


class Act(StrEnum):
    """What a turn does; the composer has phrase banks for each."""

    OPEN = "open"
    INFO = "info"
    CHASE = "chase"
    STILL = "still"
    ESCALATE = "escalate"
    RESOLVED = "resolved"
    REPLY = "reply"
    BYE = "bye"
    GREET = "greet"
    ASK_INFO = "ask_info"
    FIX = "fix"
    UNHELPFUL = "unhelpful"
    RECOVERY = "recovery"
    WRAP = "wrap"
    CLOSE = "close"
    OUTREACH = "outreach"
    NUDGE = "nudge"


@dataclass(frozen=True)
class Turn:
    """One planned message."""

    role: AuthorRole
    act: Act
    sentiment: Sentiment
    emotions: tuple[Emotion, ...]
    quality: ReplyQuality | None
    delay: timedelta


@dataclass(frozen=True)
class Situation:
    """What the planner needs to know about the customer when the conversation starts."""

    kind: ConversationKind
    topic: Topic
    mood: float
    friction: float
    traits: CustomerTraits
    csm_initiated: bool
    unanswered: bool


@dataclass(frozen=True)
class Plan:
    """A planned conversation: its turns, whether it was resolved, and a ticket's priority."""

    turns: tuple[Turn, ...]
    resolved: bool
    priority: str | None


class DialoguePlanner:
    """Plans tickets, email threads and chats from a :class:`Situation`."""

    def __init__(self, spec: DialogueSpec) -> None:
        """Keep the dynamics' parameters."""
        self.spec = spec

    def plan(self, rng: random.Random, situation: Situation) -> Plan:
        """A plan for one conversation."""
        return _Conversation(self.spec, rng, situation).run()


class _Conversation:
    """The state of one conversation while it is planned."""

    def __init__(self, spec: DialogueSpec, rng: random.Random, situation: Situation) -> None:
        self.spec, self.rng, self.situation = spec, rng, situation
        traits = situation.traits.scalars
        self.baseline = (
            traits.sentiment_bias
            + spec.mood_weight * situation.mood
            - spec.friction_weight * situation.friction
            + spec.topic_mood.get(situation.topic, 0.0)
        )
        self.mood = self.baseline + rng.gauss(0, spec.turn_noise)
        self.turns: list[Turn] = []
        self.staff = (
            AuthorRole.CSM if situation.kind is ConversationKind.EMAIL else AuthorRole.AGENT
        )
        self.escalated = False
        self.resolved = False
        self.priority: str | None = None

    def run(self) -> Plan:
        situation = self.situation
        if situation.csm_initiated:
            self._staff(Act.OUTREACH, Sentiment.NEUTRAL, None, self._staff_delay(first=True))
            if situation.unanswered:
                for _ in range(self.rng.randint(1, 2)):
                    days = self.rng.uniform(4, 12)
                    self._staff(Act.NUDGE, Sentiment.NEUTRAL, None, timedelta(days=days))
                return Plan(tuple(self.turns), resolved=False, priority=None)
            self._customer(Act.REPLY, self._customer_delay())
        else:
            self._customer(Act.OPEN, timedelta(0))
        if situation.kind is ConversationKind.TICKET:
            self.priority = self._priority()
        if situation.kind is ConversationKind.CHAT:
            self._staff(Act.GREET, Sentiment.NEUTRAL, None, self._staff_delay(first=True))
        self._rounds()
        if situation.kind is ConversationKind.CHAT and self.resolved:
            self._staff(Act.WRAP, Sentiment.NEUTRAL, None, self._staff_delay(first=False))
            self._customer(Act.BYE, self._customer_delay())
        return Plan(tuple(self.turns), resolved=self.resolved, priority=self.priority)

    def _rounds(self) -> None:
        spec, rng = self.spec, self.rng
        awaiting_recovery = False
        round_number = -1
        # An escalation in the last round still gets its recovery attempt.
        while round_number + 1 < spec.max_rounds[self.situation.kind] or awaiting_recovery:
            round_number += 1
            first = round_number == 0
            delay = self._staff_delay(first=first)
            if first and self._may_chase(delay):
                patience = timedelta(hours=self.situation.traits.scalars.patience_hours)
                chase_after = patience * rng.uniform(1.0, 1.4)
                self._customer(Act.CHASE, chase_after)
                delay = max(delay - chase_after, timedelta(minutes=5))
            if awaiting_recovery:
                helpful: bool | None = rng.random() < spec.recovery_helpful_rate
                act = Act.RECOVERY
                awaiting_recovery = False
            elif first and rng.random() < spec.ask_info_rate:
                helpful, act = None, Act.ASK_INFO
            else:
                helpful = rng.random() < self._help_probability(round_number)
                act = Act.FIX if helpful else Act.UNHELPFUL
            quality = None if helpful is None else _quality(helpful)
            self._staff(act, self._staff_sentiment(act, helpful), quality, delay)
            self._react(helpful)
            if helpful is None:
                self._customer(Act.INFO, self._customer_delay())
            elif helpful:
                self.resolved = True
                if rng.random() < spec.silent_after_fix and not self.escalated:
                    return
                self._customer(Act.RESOLVED, self._customer_delay())
                if self.situation.kind is ConversationKind.TICKET:
                    closing = (
                        Sentiment.POSITIVE
                        if self._label() is Sentiment.POSITIVE
                        else Sentiment.NEUTRAL
                    )
                    self._staff(Act.CLOSE, closing, None, self._staff_delay(first=False))
                return
            elif (
                not self.escalated
                and self.mood < spec.escalation_below
                and rng.random() < self.situation.traits.scalars.escalation_proneness
            ):
                self.escalated = awaiting_recovery = True
                self._customer(Act.ESCALATE, self._customer_delay())
            else:
                self._customer(Act.STILL, self._customer_delay())

    def _react(self, helpful: bool | None) -> None:
        """Move the customer's mood after a staff reply."""
        spec = self.spec
        effect = (
            0.0 if helpful is None else spec.helpful_effect if helpful else spec.unhelpful_effect
        )
        self.mood = (
            spec.persistence * self.mood
            + (1 - spec.persistence) * self.baseline
            + effect
            + self.rng.gauss(0, spec.turn_noise)
        )

    def _help_probability(self, round_number: int) -> float:
        spec = self.spec
        probability = (
            spec.helpful_rate
            - spec.helpful_friction_penalty * self.situation.friction
            + spec.helpful_round_gain * round_number
        )
        return min(0.95, max(0.05, probability))

    def _label(self) -> Sentiment:
        if self.mood < self.spec.negative_below:
            return Sentiment.NEGATIVE
        if self.mood > self.spec.positive_above:
            return Sentiment.POSITIVE
        return Sentiment.NEUTRAL

    def _customer(self, act: Act, delay: timedelta) -> None:
        sentiment = self._label()
        if act is Act.ESCALATE:
            sentiment = Sentiment.NEGATIVE
        elif act in {Act.CHASE, Act.STILL} and sentiment is Sentiment.POSITIVE:
            sentiment = Sentiment.NEUTRAL
        elif act is Act.BYE and sentiment is Sentiment.NEGATIVE:
            sentiment = Sentiment.NEUTRAL
        aftermath = act in {Act.RESOLVED, Act.BYE}
        emotions = self._emotions(sentiment, AFTERMATH_FREE if aftermath else frozenset())
        if act is Act.ESCALATE:
            emotions = (Emotion.ANGER, *emotions)
        elif act is Act.CHASE and Emotion.URGENCY not in emotions:
            emotions = (*emotions, Emotion.URGENCY)
        self.turns.append(Turn(AuthorRole.CUSTOMER, act, sentiment, emotions, None, delay))

    def _emotions(self, sentiment: Sentiment, excluded: frozenset[Emotion]) -> tuple[Emotion, ...]:
        """Emotions drawn at their rates; a polar turn always carries its likeliest one."""
        rates = {
            emotion: rate
            for emotion, rate in self.spec.emotion_rates.get(sentiment, {}).items()
            if emotion not in excluded
        }
        chosen = tuple(emotion for emotion, rate in rates.items() if self.rng.random() < rate)
        if not chosen and sentiment is not Sentiment.NEUTRAL and rates:
            chosen = (max(rates, key=rates.__getitem__),)
        return chosen

    def _staff(
        self, act: Act, sentiment: Sentiment, quality: ReplyQuality | None, delay: timedelta
    ) -> None:
        self.turns.append(Turn(self.staff, act, sentiment, (), quality, delay))

    def _staff_sentiment(self, act: Act, helpful: bool | None) -> Sentiment:
        if helpful is None:
            return Sentiment.NEUTRAL
        if helpful:
            good_news = self.rng.random() < self.spec.agent_positive_rate
            return Sentiment.POSITIVE if good_news else Sentiment.NEUTRAL
        if act is Act.RECOVERY or self.rng.random() < self.spec.agent_negative_rate:
            return Sentiment.NEGATIVE
        return Sentiment.NEUTRAL

    def _may_chase(self, delay: timedelta) -> bool:
        situation = self.situation
        patience = timedelta(hours=situation.traits.scalars.patience_hours)
        return situation.kind is not ConversationKind.CHAT and delay > patience * 1.4

    def _priority(self) -> str:
        opening = self.turns[-1]
        if Emotion.URGENCY in opening.emotions:
            return "urgent" if opening.sentiment is Sentiment.NEGATIVE else "high"
        if opening.sentiment is Sentiment.NEGATIVE:
            return "high"
        if self.situation.topic in {Topic.FEATURE_REQUESTS, Topic.ONBOARDING}:
            return "low"
        return "normal"

    def _staff_delay(self, *, first: bool) -> timedelta:
        spec, kind = self.spec, self.situation.kind
        if kind is ConversationKind.CHAT:
            return timedelta(seconds=self._lognormal(spec.chat_reply_seconds))
        if kind is ConversationKind.EMAIL:
            slowdown = 1 + spec.friction_delay_weight * self.situation.friction
            return timedelta(hours=self._lognormal(spec.csm_reply_hours * slowdown))
        median = spec.agent_reply_hours[self.priority or "normal"] if first else 3.0
        slowdown = 1 + spec.friction_delay_weight * self.situation.friction
        return timedelta(hours=self._lognormal(median * slowdown))

    def _customer_delay(self) -> timedelta:
        if self.situation.kind is ConversationKind.CHAT:
            return timedelta(seconds=self._lognormal(self.spec.chat_reply_seconds))
        return timedelta(hours=self._lognormal(self.situation.traits.scalars.reply_delay_hours))

    def _lognormal(self, median: float) -> float:
        return median * math.exp(self.rng.gauss(0, self.spec.delay_spread))


def _quality(helpful: bool) -> ReplyQuality:
    return ReplyQuality.HELPFUL if helpful else ReplyQuality.UNHELPFUL
