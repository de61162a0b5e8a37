"""The phrase banks of the synthetic world (``data/grammar/*.yaml``) in checked shapes.

The grammar is data: per topic (``topics.yaml``), per customer voice, sentiment and emotion
(``customer.yaml``), per channel frame (``frames.yaml``), for the vendor's staff
(``staff.yaml``) and for NPS comments (``nps.yaml``), plus the nouns placeholders draw from
(``pools.yaml``). :mod:`cspersona.synth.composer` assembles messages from it; a later stage that
wants to speak in a persona's voice can import the same banks.

Every bank is labelled by what its phrases convey (a sentiment, an emotion, a register), so a
message built from banks of one label carries that label and nothing else.
"""

import random
from functools import lru_cache

from pydantic import Field, RootModel, model_validator

from cspersona.synth.labels import Emotion, ReplyQuality, Sentiment, Topic
from cspersona.synth.spec import DATA_DIR, Spec, parse_model, read_yaml

GRAMMAR_DIR = DATA_DIR / "grammar"
SHARED_VOICE = "any"
# Chance that a voiced bank answers with the archetype's own phrases rather than shared ones.
OWN_VOICE_SHARE = 0.5

Phrases = tuple[str, ...]


class Registers(Spec):
    """Phrases in the technical register and in plain language."""

    technical: Phrases = Field(min_length=1)
    plain: Phrases = Field(min_length=1)

    def pick(self, rng: random.Random, sophistication: float) -> str:
        """A technical phrase with probability ``sophistication``, else a plain one."""
        return rng.choice(self.technical if rng.random() < sophistication else self.plain)


class Voiced(RootModel[dict[str, Phrases]]):
    """Phrases shared by every archetype (``any``) plus each archetype's own."""

    @model_validator(mode="after")
    def _has_shared_phrases(self) -> "Voiced":
        if not self.root.get(SHARED_VOICE):
            raise ValueError(f"a voiced bank needs `{SHARED_VOICE}` phrases")
        return self

    def pick(self, rng: random.Random, archetype: str) -> str:
        """One of the archetype's own phrases half the time (if it has any), else a shared one."""
        own = self.root.get(archetype)
        if own and rng.random() < OWN_VOICE_SHARE:
            return rng.choice(own)
        return rng.choice(self.root[SHARED_VOICE])


class Issue(Spec):
    """One concrete problem or request of a topic, named, reported and answered coherently."""

    thing: Registers
    subject: Registers
    problem: Registers
    question: Registers
    info: Registers
    fix: Phrases = Field(min_length=1)
    bad_news: Phrases = Field(min_length=1)


class TopicPhrases(Spec):
    """Everything said about one topic; see ``topics.yaml`` for the slots."""

    features: tuple[str, ...]
    issues: tuple[Issue, ...] = Field(min_length=1)
    detail: Registers
    ask: Registers
    agent_ask: Phrases = Field(min_length=1)
    agent_deflect: Phrases = Field(min_length=1)
    csm_outreach: Phrases = Field(min_length=1)
    csm_subject: Phrases = Field(min_length=1)


class CustomerPhrases(Spec):
    """The customer's voice: openers, moods, escalations, follow-ups, chat small talk."""

    opener: dict[Sentiment, Voiced]
    moods: dict[Emotion, Voiced]
    opening_moods: dict[Emotion, Voiced]
    escalation: Voiced
    chase: dict[Sentiment, Voiced]
    still: dict[Sentiment, Voiced]
    resolved: dict[Sentiment, Voiced]
    reply_opener: dict[Sentiment, Voiced]
    chat_hello: Phrases
    chat_bye: dict[Sentiment, Voiced]


class ChannelFrame(Spec):
    """How often a customer's message on one channel has each part of its frame."""

    greeting: float
    closing: float
    signature: float
    disclaimer: float = 0.0


class Formalities(Spec):
    """Phrases for formal and for casual writers."""

    formal: Phrases
    casual: Phrases

    def pick(self, rng: random.Random, formality: float) -> str:
        """A formal phrase with probability ``formality``, else a casual one."""
        return rng.choice(self.formal if rng.random() < formality else self.casual)


class StaffSignatures(Spec):
    """Signatures of support agents and of CSMs."""

    agent: Phrases
    csm: Phrases


class FramePhrases(Spec):
    """Greetings, closings, signatures, quote headers and disclaimers, and how channels use them."""

    channels: dict[str, ChannelFrame]
    greeting: Formalities
    closing: Formalities
    signature: Formalities
    staff_signature: StaffSignatures
    quote_header: Phrases
    disclaimer: Phrases


class StaffPhrases(Spec):
    """The vendor's side: courteous framing, good and bad news, recoveries, chat and CSM lines."""

    greeting: Phrases
    closing: Phrases
    acknowledge: Phrases
    positive_lead: Phrases
    positive_close: Phrases
    negative_lead: Phrases
    next_steps: Phrases
    recovery: dict[ReplyQuality, Phrases]
    close: dict[Sentiment, Phrases]
    chat_lead: Phrases
    chat_greeting: Phrases
    chat_hold: Phrases
    chat_wrap: Phrases
    csm_nudge: Phrases
    csm_outreach_lead: Phrases
    csm_outreach_ask: Phrases


class NpsPhrases(Spec):
    """NPS comments by score band (their sentiment: negative, neutral, positive)."""

    detractor: Voiced
    passive: Voiced
    promoter: Voiced


class Pools(Spec):
    """Nouns placeholders draw from, and the compliance framework of each industry."""

    nouns: dict[str, Phrases]
    frameworks: dict[str, str]

    def framework(self, industry: str) -> str:
        """The framework an industry answers to (``default`` for the others)."""
        return self.frameworks.get(industry, self.frameworks["default"])


class Grammar(Spec):
    """All phrase banks of the world."""

    topics: dict[Topic, TopicPhrases]
    customer: CustomerPhrases
    frames: FramePhrases
    staff: StaffPhrases
    nps: NpsPhrases
    pools: Pools

    def all_phrases(self) -> list[str]:
        """Every phrase of every bank (to check placeholders and coverage)."""
        found: list[str] = []
        _collect(self.model_dump(), found)
        return found


def _collect(node: object, found: list[str]) -> None:
    if isinstance(node, str):
        found.append(node)
    elif isinstance(node, dict):
        for value in node.values():
            _collect(value, found)
    elif isinstance(node, list | tuple):
        for value in node:
            _collect(value, found)


@lru_cache(maxsize=1)
def load_grammar() -> Grammar:
    """The packaged grammar."""
    parts = {name: read_yaml(GRAMMAR_DIR / f"{name}.yaml") for name in Grammar.model_fields}
    return parse_model(Grammar, GRAMMAR_DIR, parts)
