"""A persona as a speaking character: traits and concerns read from its members' own messages.

Nothing here looks at a persona's name: every trait is measured on what the persona's member
customers wrote (and on the NLP stage's analysis of it when present), so the character of a
learned persona follows its data.
"""

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from statistics import fmean

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.conversations.models import AuthorRole, Interaction, Message
from cspersona.nlp.models import MessageAnalysis, Topic
from cspersona.personas.models import PersonaMapping
from cspersona.personas.overlays import IndustryGuidance

TRAITS = (
    "technical",
    "formality",
    "verbosity",
    "price_sensitivity",
    "risk_aversion",
    "enthusiasm",
    "patience",
    "baseline_sentiment",
)

# How many of the members' newest customer messages describe the persona: enough for stable
# shares, few enough that building a character stays well under a second.
MESSAGE_LIMIT = 4000

_TECHNICAL = re.compile(
    r"\b(api|webhooks?|endpoints?|sso|saml|oauth|scim|latency|p9\d|throttl\w*|rate.?limit\w*|"
    r"4\d\d|5\d\d|json|payload|schema|etl|sdk|token|tenant|config\w*|timeout|regression|"
    r"deploy\w*|integration|sync|cli|query|logs?|stack|version|\d+\.\d+\.\d+)\b",
    re.IGNORECASE,
)
_FORMAL = re.compile(
    r"^(dear|hello|good (morning|afternoon))\b|\b(kind regards|best regards|sincerely|"
    r"many thanks|thank you|we would|could you please|please find)\b",
    re.IGNORECASE | re.MULTILINE,
)
_PRICE = re.compile(
    r"\b(price\w*|pricing|invoices?|discount\w*|cost\w*|budget\w*|renewal|seats?|credit|"
    r"refund|expensive|charged?|billing|per (user|person|seat)|contract|cheaper|finance)\b",
    re.IGNORECASE,
)
_RISK = re.compile(
    r"\b(complian\w*|audit\w*|gdpr|security|secure|rollback|risk\w*|review|policy|policies|"
    r"data protection|sla|retention|certif\w*|soc ?2|iso|legal|approv\w*|confirm\w*|safe\w*)\b",
    re.IGNORECASE,
)
_ENTHUSIASM = re.compile(
    r"!|\b(excited|love|great|super|amazing|awesome|fantastic|brilliant|keen|can't wait)\b",
    re.IGNORECASE,
)
_IMPATIENCE = re.compile(
    r"\b(following up|any update|asap|urgent\w*|today|immediately|escalat\w*|furious|"
    r"time-sensitive|still (waiting|broken|there)|again|fourth time|third time|unacceptable)\b",
    re.IGNORECASE,
)
_POSITIVE = re.compile(
    r"\b(thanks?|thank you|great|perfect|sorted|resolved|appreciate\w*|smoothly|happy|love)\b",
    re.IGNORECASE,
)
_NEGATIVE = re.compile(
    r"\b(frustrat\w*|furious|annoy\w*|disappoint\w*|broken|fails?|failing|unacceptable|"
    r"didn't help|not happy|angry|lost|killing|worse)\b",
    re.IGNORECASE,
)

# Concern families named by what a customer worries about, recognised by their words when the NLP
# stage has not named topics.
CONCERNS: dict[str, re.Pattern[str]] = {
    "pricing and renewal": _PRICE,
    "compliance and data safety": _RISK,
    "integrations and the API": re.compile(
        r"\b(api|webhooks?|integration\w*|connector|sync|etl|sdk)\b", re.IGNORECASE
    ),
    "performance and reliability": re.compile(
        r"\b(slow|latency|timeout|outage|downtime|5\d\d|429|performance|crash\w*|errors?)\b",
        re.IGNORECASE,
    ),
    "new features and the roadmap": re.compile(
        r"\b(roadmap|feature request|support this|beta|new feature|would love|ai)\b",
        re.IGNORECASE,
    ),
    "onboarding and training": re.compile(
        r"\b(onboard\w*|training|walk us through|get started|new to|set ?up|how do i)\b",
        re.IGNORECASE,
    ),
    "reports and exports": re.compile(r"\b(reports?|export\w*|dashboards?|download)\b", re.I),
}


@dataclass(frozen=True)
class MemberMessage:
    """One message a member customer wrote, with the NLP stage's verdict when there is one."""

    customer_id: int
    text: str
    sophistication: float | None = None
    sentiment_score: float | None = None
    emotions: dict[str, float] = field(default_factory=dict)
    topic: str | None = None


@dataclass(frozen=True)
class Character:
    """How a persona's customers talk and what they worry about, as numbers and words."""

    persona_id: int
    name: str
    traits: dict[str, float]
    concerns: tuple[str, ...]
    member_count: int
    emotions: dict[str, float] = field(default_factory=dict)
    # The persona's narrative, when it has one: who these customers are, for a language model.
    description: str | None = None
    # Industry overlays covering a good share of the members, largest first: what a customer
    # in a regulated or seasonal industry cares about (FinTech: compliance).
    industries: tuple[IndustryGuidance, ...] = ()

    @property
    def background(self) -> str:
        """What the customer talks about unprompted: their concerns and their industry's focus."""
        focus = [industry.focus for industry in self.industries[:1]]
        return " ".join([*self.concerns, *focus])

    @property
    def register(self) -> str:
        """Which phrase bank fits: formal or casual, technical or plain."""
        tone = "formal" if self.traits["formality"] >= 0.5 else "casual"
        depth = "technical" if self.traits["technical"] >= 0.5 else "plain"
        return f"{tone}_{depth}"


def _share(pattern: re.Pattern[str], texts: Sequence[str], scale: float) -> float:
    """How many texts match ``pattern``, scaled so that typical shares spread over [0, 1]."""
    if not texts:
        return 0.0
    hits = sum(1 for text in texts if pattern.search(text))
    return _clip(scale * hits / len(texts))


def _clip(value: float) -> float:
    return min(1.0, max(0.0, value))


def lexicon_sentiment(text: str) -> float:
    """Polarity in [-1, 1] from cue words, used where the NLP stage has not scored a message."""
    positive, negative = len(_POSITIVE.findall(text)), len(_NEGATIVE.findall(text))
    return 0.0 if positive + negative == 0 else (positive - negative) / (positive + negative)


def character_from_messages(
    *, persona_id: int, name: str, messages: Sequence[MemberMessage]
) -> Character:
    """Measure the traits and concerns of a persona on its members' messages."""
    texts = [message.text for message in messages]
    sophistication = [m.sophistication for m in messages if m.sophistication is not None]
    technical = fmean(sophistication) if sophistication else _share(_TECHNICAL, texts, scale=1.4)
    sentiments = [
        m.sentiment_score if m.sentiment_score is not None else lexicon_sentiment(m.text)
        for m in messages
    ]
    words = [len(text.split()) for text in texts]
    traits = {
        "technical": _clip(technical),
        "formality": _share(_FORMAL, texts, scale=1.6),
        "verbosity": _clip(fmean(words) / 70) if words else 0.5,
        "price_sensitivity": _share(_PRICE, texts, scale=2.5),
        "risk_aversion": _share(_RISK, texts, scale=2.0),
        "enthusiasm": _share(_ENTHUSIASM, texts, scale=2.0),
        "patience": _clip(1.0 - _share(_IMPATIENCE, texts, scale=2.0)),
        "baseline_sentiment": _clip(0.5 + 0.5 * fmean(sentiments)) if sentiments else 0.5,
    }
    return Character(
        persona_id=persona_id,
        name=name,
        traits={trait: round(value, 3) for trait, value in traits.items()},
        concerns=_concerns(messages),
        member_count=len({message.customer_id for message in messages}),
        emotions=_mean_emotions(messages),
    )


def _concerns(messages: Sequence[MemberMessage], top: int = 3) -> tuple[str, ...]:
    """The members' most frequent topics, or cue-word concern families when topics are absent."""
    topics = Counter(message.topic for message in messages if message.topic)
    if topics:
        return tuple(topic for topic, _ in topics.most_common(top))
    counts = Counter(
        concern
        for message in messages
        for concern, pattern in CONCERNS.items()
        if pattern.search(message.text)
    )
    return tuple(concern for concern, _ in counts.most_common(top))


def _mean_emotions(messages: Sequence[MemberMessage]) -> dict[str, float]:
    scored = [message.emotions for message in messages if message.emotions]
    if not scored:
        return {}
    keys = sorted({key for emotions in scored for key in emotions})
    return {key: round(fmean(float(e.get(key, 0.0)) for e in scored), 3) for key in keys}


def member_messages(
    *, db_session: Session, persona_id: int, limit: int = MESSAGE_LIMIT
) -> list[MemberMessage]:
    """The newest customer-authored messages of the persona's member customers."""
    statement = (
        select(
            Interaction.customer_id,
            Message.body,
            MessageAnalysis.cleaned_text,
            MessageAnalysis.sophistication,
            MessageAnalysis.sentiment_score,
            MessageAnalysis.emotions,
            Topic.name,
        )
        .join(PersonaMapping, PersonaMapping.customer_id == Interaction.customer_id)
        .join(Message, Message.interaction_id == Interaction.id)
        .outerjoin(MessageAnalysis, MessageAnalysis.message_id == Message.id)
        .outerjoin(Topic, Topic.id == MessageAnalysis.topic_id)
        .where(PersonaMapping.persona_id == persona_id, Message.author_role == AuthorRole.CUSTOMER)
        .order_by(Message.sent_at.desc(), Message.id.desc())
        .limit(limit)
    )
    return [
        MemberMessage(
            customer_id=customer_id,
            text=cleaned or text,
            sophistication=sophistication,
            sentiment_score=sentiment,
            emotions={key: float(value) for key, value in (emotions or {}).items()},
            topic=topic,
        )
        for customer_id, text, cleaned, sophistication, sentiment, emotions, topic in (
            db_session.execute(statement)
        )
    ]


def load_character(
    *, db_session: Session, persona_id: int
) -> tuple[Character, list[MemberMessage]]:
    """The persona's character and the member messages it was measured on."""
    # Imported here: the persona service loads pandas and scikit-learn, and the CLI imports
    # this module (through scenarios) at start.
    from cspersona.personas import service as personas_service

    persona = personas_service.get(db_session=db_session, persona_id=persona_id)
    messages = member_messages(db_session=db_session, persona_id=persona_id)
    character = character_from_messages(persona_id=persona.id, name=persona.name, messages=messages)
    return replace(character, description=persona.narrative), messages
