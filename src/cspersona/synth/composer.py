"""Writes messages from the grammar: a planned turn in, the words a person would send out.

The composer only chooses among phrases whose bank matches the turn's labels (its act, sentiment,
emotions and topic), then frames them the way the channel and the writer's voice want: greeting,
paragraphs, closing, signature; typos, lower-case chat and shouting for customers.
"""

import random
from dataclasses import dataclass

from cspersona.conversations.models import AuthorRole
from cspersona.synth.dialogue import Act
from cspersona.synth.fillers import Fillers
from cspersona.synth.grammar import Grammar, Issue, Registers
from cspersona.synth.labels import ConversationKind, Emotion, ReplyQuality, Sentiment, Topic
from cspersona.synth.noise import add_typos
from cspersona.synth.traits import CustomerTraits

# How much more (or less) people mistype on a channel than in their own baseline.
CHANNEL_TYPO_FACTOR = {"in_app": 2.0, "slack": 1.8, "teams": 1.5, "web": 1.0, "email": 0.6}
SHOUTING_EMOTIONS = {Emotion.ANGER, Emotion.FRUSTRATION}
THING = "{thing}"
# Chat lines that already address the customer by name.
CHAT_UNLED_ACTS = {Act.GREET, Act.WRAP}
# Acts that start the customer's side of a conversation (they state the issue).
FIRST_ACTS = {Act.OPEN, Act.REPLY}
# How often optional parts appear: a chat "hi", a voiced opener (neutral / polar message), the
# explicit ask, a greeting on later messages of a thread, an agent addressing the customer in chat.
CHAT_HELLO_RATE = 0.6
NEUTRAL_OPENER_RATE = 0.35
POLAR_OPENER_RATE = 0.8
ASK_RATE = 0.85
LATER_GREETING_FACTOR = 0.6
CHAT_LEAD_RATE = 0.6


@dataclass(frozen=True)
class Voice:
    """How one customer writes."""

    archetype: str
    sophistication: float
    formality: float
    verbosity: float
    typo_rate: float
    enthusiasm: float

    @classmethod
    def of(cls, traits: CustomerTraits) -> "Voice":
        """The voice a customer's traits give it."""
        scalars = traits.scalars
        return cls(
            archetype=traits.archetype,
            sophistication=scalars.sophistication,
            formality=scalars.formality,
            verbosity=scalars.verbosity,
            typo_rate=scalars.typo_rate,
            enthusiasm=scalars.enthusiasm,
        )


@dataclass(frozen=True)
class Written:
    """A composed message, its author's own words, and whether they are on the topic.

    ``body`` is what hygiene should leave of ``text``: the greeting and the message, without
    the closing and signature (the truth that ``conversations.hygiene`` is measured against).
    """

    text: str
    topical: bool
    body: str


class Composer:
    """Assembles customer and staff messages from a :class:`Grammar`."""

    def __init__(self, grammar: Grammar) -> None:
        """Use ``grammar``'s phrase banks."""
        self.grammar = grammar

    def thing(self, rng: random.Random, fillers: Fillers, issue: Issue, voice: Voice) -> str:
        """What the conversation's problem is called, in the customer's register."""
        return fillers.render(issue.thing.pick(rng, voice.sophistication))

    def subject(self, rng: random.Random, fillers: Fillers, issue: Issue, voice: Voice) -> str:
        """A ticket's or customer email's subject line."""
        return fillers.render(issue.subject.pick(rng, voice.sophistication))

    def csm_subject(self, rng: random.Random, fillers: Fillers, topic: Topic) -> str:
        """The subject of an email a CSM starts."""
        return fillers.render(rng.choice(self.grammar.topics[topic].csm_subject))

    def customer(
        self,
        rng: random.Random,
        fillers: Fillers,
        *,
        act: Act,
        topic: Topic,
        issue: Issue,
        sentiment: Sentiment,
        emotions: tuple[Emotion, ...],
        kind: ConversationKind,
        channel: str,
        voice: Voice,
        opening: bool,
    ) -> Written:
        """A customer's message for one planned turn."""
        phrases = self.grammar.customer
        about = self.grammar.topics[topic]
        own = voice.archetype
        chat = kind is ConversationKind.CHAT
        lead: list[str] = []
        first = act in FIRST_ACTS
        topical = first or act is Act.INFO
        if act is Act.REPLY:
            lead.append(phrases.reply_opener[sentiment].pick(rng, own))
        if act is Act.OPEN:
            if chat and rng.random() < CHAT_HELLO_RATE:
                lead.append(rng.choice(phrases.chat_hello))
            neutral = sentiment is Sentiment.NEUTRAL
            if rng.random() < (NEUTRAL_OPENER_RATE if neutral else POLAR_OPENER_RATE):
                lead.append(phrases.opener[sentiment].pick(rng, own))
        if first:
            lead.append(self._statement(rng, issue, sentiment, voice))
            details = 0 if chat else sum(rng.random() < voice.verbosity for _ in range(2))
            lead.extend(_distinct(rng, about.detail, voice.sophistication, details))
        elif act is Act.INFO:
            lead.append(issue.info.pick(rng, voice.sophistication))
        else:
            bank = {
                Act.STILL: phrases.still,
                Act.RESOLVED: phrases.resolved,
                Act.CHASE: phrases.chase,
                Act.BYE: phrases.chat_bye,
            }.get(act)
            phrase = (
                phrases.escalation.pick(rng, own)
                if bank is None
                else bank[sentiment].pick(rng, own)
            )
            topical = THING in phrase
            lead.append(phrase)
        moods = [
            (phrases.opening_moods if first else phrases.moods)
            .get(emotion, phrases.moods[emotion])
            .pick(rng, own)
            for emotion in emotions
        ]
        ask = (
            [about.ask.pick(rng, voice.sophistication)]
            if first and not chat and rng.random() < ASK_RATE
            else []
        )
        body = self._voice_body(
            rng,
            [fillers.render(part) for part in lead],
            [fillers.render(part) for part in moods],
            [fillers.render(part) for part in ask],
            sentiment=sentiment,
            emotions=emotions,
            kind=kind,
            channel=channel,
            voice=voice,
        )
        if chat:
            return Written(body, topical, body)
        frame = self.grammar.frames
        channel_frame = frame.channels[channel]
        greeting = (
            frame.greeting.pick(rng, voice.formality)
            if rng.random() < channel_frame.greeting * (1.0 if opening else LATER_GREETING_FACTOR)
            else None
        )
        closing = (
            frame.closing.pick(rng, voice.formality)
            if rng.random() < channel_frame.closing
            else None
        )
        signature = (
            frame.signature.pick(rng, voice.formality)
            if rng.random() < channel_frame.signature
            else None
        )
        return _framed(
            fillers,
            topical=topical,
            greeting=greeting,
            body=body,
            closing=closing,
            signature=signature,
            spacious=channel == "email",
        )

    def staff(
        self,
        rng: random.Random,
        fillers: Fillers,
        *,
        act: Act,
        role: AuthorRole,
        topic: Topic,
        issue: Issue,
        sentiment: Sentiment,
        quality: ReplyQuality | None,
        kind: ConversationKind,
    ) -> Written:
        """An agent's or CSM's message for one planned turn."""
        staff = self.grammar.staff
        about = self.grammar.topics[topic]
        positive = sentiment is Sentiment.POSITIVE
        parts: list[str] = []
        topical = act in {Act.ASK_INFO, Act.FIX, Act.UNHELPFUL, Act.OUTREACH}
        if act is Act.GREET:
            parts.append(rng.choice(staff.chat_greeting))
        elif act is Act.ASK_INFO:
            parts += [rng.choice(staff.acknowledge), rng.choice(about.agent_ask)]
        elif act is Act.FIX:
            parts += [rng.choice(staff.positive_lead)] if positive else []
            parts.append(rng.choice(issue.fix))
            parts.append(rng.choice(staff.positive_close if positive else staff.next_steps))
        elif act is Act.UNHELPFUL and sentiment is Sentiment.NEGATIVE:
            parts += [rng.choice(staff.negative_lead)] if rng.random() < 0.5 else []
            parts.append(rng.choice(issue.bad_news))
        elif act is Act.UNHELPFUL:
            parts.append(rng.choice(about.agent_deflect))
        elif act is Act.RECOVERY:
            helpful = quality is ReplyQuality.HELPFUL
            parts.append(rng.choice(staff.recovery[quality or ReplyQuality.UNHELPFUL]))
            if helpful:
                parts += [rng.choice(staff.positive_lead)] if positive else []
                parts.append(rng.choice(issue.fix))
            topical = helpful
        elif act is Act.CLOSE:
            parts.append(rng.choice(staff.close[sentiment]))
        elif act is Act.WRAP:
            parts.append(rng.choice(staff.chat_wrap))
        elif act is Act.OUTREACH:
            parts += [
                rng.choice(staff.csm_outreach_lead),
                rng.choice(about.csm_outreach),
                rng.choice(staff.csm_outreach_ask),
            ]
        elif act is Act.NUDGE:
            parts.append(rng.choice(staff.csm_nudge))
        else:
            raise ValueError(f"{act} is not a staff act")
        if (
            kind is ConversationKind.CHAT
            and act not in CHAT_UNLED_ACTS
            and rng.random() < CHAT_LEAD_RATE
        ):
            parts.insert(0, rng.choice(staff.chat_lead).rstrip())
        body = " ".join(fillers.render(part) for part in parts)
        if kind is ConversationKind.CHAT:
            return Written(body, topical, body)
        signatures = self.grammar.frames.staff_signature
        return _framed(
            fillers,
            topical=topical,
            greeting=rng.choice(staff.greeting),
            body=body,
            closing=rng.choice(staff.closing),
            signature=rng.choice(signatures.csm if role is AuthorRole.CSM else signatures.agent),
            spacious=True,
        )

    def disclaimer(self, fillers: Fillers, *, channel: str, key: str) -> str | None:
        """The legal footer a customer's company appends on ``channel``, if it does this time.

        It draws from its own stream seeded by ``key`` (the message's author and time), so adding
        footers left every other word of a world as it was.
        """
        rate = self.grammar.frames.channels[channel].disclaimer
        own_rng = random.Random(f"disclaimer|{key}")
        if own_rng.random() >= rate:
            return None
        return fillers.render(own_rng.choice(self.grammar.frames.disclaimer))

    def quote(self, rng: random.Random, fillers: Fillers, quoted_text: str) -> str:
        """A quoted copy of the previous message, as mail clients append under a reply."""
        header = fillers.render(rng.choice(self.grammar.frames.quote_header))
        lines = "\n".join(f"> {line}" if line else ">" for line in quoted_text.splitlines())
        return f"{header}\n{lines}"

    def _statement(
        self, rng: random.Random, issue: Issue, sentiment: Sentiment, voice: Voice
    ) -> str:
        """A problem report when things are bad, a question when they are good, either else."""
        if sentiment is Sentiment.NEGATIVE:
            bank = issue.problem
        elif sentiment is Sentiment.POSITIVE:
            bank = issue.question
        else:
            bank = issue.problem if rng.random() < 0.6 else issue.question
        return bank.pick(rng, voice.sophistication)

    def _voice_body(
        self,
        rng: random.Random,
        lead: list[str],
        moods: list[str],
        ask: list[str],
        *,
        sentiment: Sentiment,
        emotions: tuple[Emotion, ...],
        kind: ConversationKind,
        channel: str,
        voice: Voice,
    ) -> str:
        """Join the sentences in the writer's style: exclamations, shouting, case, typos."""
        if sentiment is Sentiment.POSITIVE:
            lead = [_exclaim(part, rng, voice.enthusiasm) for part in lead]
            moods = [_exclaim(part, rng, voice.enthusiasm) for part in moods]
        if (
            moods
            and sentiment is Sentiment.NEGATIVE
            and SHOUTING_EMOTIONS & set(emotions)
            and voice.formality < 0.45
            and rng.random() < 0.3
        ):
            moods[-1] = moods[-1].upper()
        chat = kind is ConversationKind.CHAT
        if chat or channel != "email":
            body = " ".join(lead + moods + ask)
        else:
            body = "\n\n".join(" ".join(group) for group in (lead, moods, ask) if group)
        casual = 1 - voice.formality
        if (chat and rng.random() < casual) or (channel == "slack" and rng.random() < casual / 2):
            body = body.lower().removesuffix(".")
        if chat and sentiment is Sentiment.POSITIVE and rng.random() < voice.enthusiasm / 2:
            body += " :)"
        rate = voice.typo_rate * CHANNEL_TYPO_FACTOR.get(channel, 1.0)
        return add_typos(body, rate, rng)


def _distinct(rng: random.Random, bank: Registers, sophistication: float, count: int) -> list[str]:
    picked: list[str] = []
    for _ in range(count):
        phrase = bank.pick(rng, sophistication)
        if phrase not in picked:
            picked.append(phrase)
    return picked


def _exclaim(sentence: str, rng: random.Random, enthusiasm: float) -> str:
    if sentence.endswith(".") and rng.random() < enthusiasm:
        return sentence[:-1] + "!"
    return sentence


def _framed(
    fillers: Fillers,
    *,
    topical: bool,
    greeting: str | None,
    body: str,
    closing: str | None,
    signature: str | None,
    spacious: bool,
) -> Written:
    """Greeting, body, closing and signature laid out like a real email or ticket."""
    own = body
    if greeting:
        own = fillers.render(greeting) + ("\n\n" if spacious else "\n") + own
    sign_off = "\n".join(fillers.render(part) for part in (closing, signature) if part)
    text = own + "\n\n" + sign_off if sign_off else own
    return Written(text, topical, own)
