"""Conversation dynamics: how a customer's mood moves turn by turn, and what staff replies do.

Rules (docs/analytics.md explains them with examples):

* **Escalation** happens at the first customer turn that either demands escalation in words (a
  trigger phrase such as "your manager", "escalate", "our CISO", "cancel", "refund", "moving to
  <competitor>") while not positive, or crosses into anger: anger at least
  ``ANGER_THRESHOLD`` with sentiment at most ``ESCALATION_SENTIMENT``. Weaker phrases ("third
  time", "unacceptable") only name the trigger of an emotional escalation.
* **Recovery**: after an escalation the customer's last turn is no longer negative.
* **Response effectiveness**: each staff reply scores the change from the customer turn before it
  to the customer turn after it; a change beyond ``EFFECT_MARGIN`` either way is helpful/harmful.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from cspersona.catalogue.models import load_catalogue

ANALYSER_VERSION = "dynamics-3"
ANGER_THRESHOLD = 0.5
ESCALATION_SENTIMENT = -0.4
NEGATIVE_SENTIMENT = -0.2
EFFECT_MARGIN = 0.2
STRONG_TRIGGERS = (
    r"escalat\w*",
    r"(?:speak|talk) (?:to|with) (?:your|a|the) (?:manager|supervisor|boss)",
    r"your (?:manager|supervisor)",
    r"someone (?:senior|more senior)",
    r"head of (?:support|customer success|engineering)",
    r"(?:product|engineering|your) leadership",
    r"\bciso\b",
    r"on-call",
    r"\brefund\b",
    r"\bcancel(?:ling|ing|lation)?\b",
    r"reconsider (?:our|the) (?:contract|subscription|renewal)",
    r"\blawyers? (?:will|are going to)",
    r"terminat\w+ (?:our|the) (?:contract|agreement|subscription)",
)
WEAK_TRIGGERS = (
    r"third time",
    r"second time",
    r"unacceptable",
    r"ridiculous",
    r"furious",
    r"extremely unhappy",
    r"losing patience",
)


@dataclass(frozen=True)
class Turn:
    """One message of a conversation (its clean body), with the NLP verdict when there is one."""

    message_id: int
    seq: int
    role: str
    sent_at: datetime
    body: str
    sentiment: float | None = None
    anger: float | None = None
    frustration: float | None = None


@dataclass
class Dynamics:
    """What :func:`analyse_turns` found in one conversation."""

    trajectory: list[dict[str, object]] = field(default_factory=list)
    escalated: bool = False
    escalation_seq: int | None = None
    escalation_message_id: int | None = None
    escalated_at: datetime | None = None
    escalation_trigger: str | None = None
    escalation_reason: str | None = None
    recovered: bool | None = None
    reply_effects: list[dict[str, object]] = field(default_factory=list)
    first_response_hours: float | None = None


@cache
def strong_trigger_pattern() -> re.Pattern[str]:
    """Escalation demands, including switching to a competitor the catalogue names."""
    competitors = [re.escape(name) for name in load_catalogue().competitors]
    phrases = list(STRONG_TRIGGERS)
    if competitors:
        names = "|".join(competitors)
        phrases.append(rf"(?:moving|switching|migrating|move|switch) (?:over )?to (?:{names})")
    return re.compile("|".join(f"(?:{phrase})" for phrase in phrases), re.IGNORECASE)


WEAK_TRIGGER_PATTERN = re.compile("|".join(WEAK_TRIGGERS), re.IGNORECASE)
SENTENCE = re.compile(r"[^.!?\n]*(?:[.!?]|$)")


def trigger_phrase(text: str) -> tuple[str | None, bool]:
    """The sentence holding an escalation phrase in ``text``, and whether the phrase is strong."""
    for pattern, strong in ((strong_trigger_pattern(), True), (WEAK_TRIGGER_PATTERN, False)):
        match = pattern.search(text)
        if match:
            return _sentence_around(text, match.start()) or match.group(0), strong
    return None, False


def _sentence_around(text: str, position: int) -> str | None:
    """The sentence of ``text`` that contains ``position``."""
    for sentence in SENTENCE.finditer(text):
        if sentence.start() <= position < sentence.end():
            return sentence.group(0).strip()
    return None


def _is_escalation(turn: Turn, strong: bool) -> str | None:
    """Why ``turn`` escalates the conversation ("phrase" or "emotion"), or None."""
    angry = (
        turn.anger is not None
        and turn.anger >= ANGER_THRESHOLD
        and turn.sentiment is not None
        and turn.sentiment <= ESCALATION_SENTIMENT
    )
    if angry:
        return "emotion"
    if strong and (turn.sentiment is None or turn.sentiment <= NEGATIVE_SENTIMENT):
        return "phrase"
    return None


def analyse_turns(turns: Sequence[Turn]) -> Dynamics:
    """Trajectory, escalation, recovery, reply effects and first response of one conversation."""
    dynamics = Dynamics()
    customer_turns = [turn for turn in turns if turn.role == "customer"]
    for turn in customer_turns:
        dynamics.trajectory.append(
            {
                "seq": turn.seq,
                "sent_at": turn.sent_at.isoformat(),
                "sentiment": turn.sentiment,
                "anger": turn.anger,
                "frustration": turn.frustration,
            }
        )
        if dynamics.escalated:
            continue
        phrase, strong = trigger_phrase(turn.body)
        reason = _is_escalation(turn, strong)
        if reason:
            dynamics.escalated = True
            dynamics.escalation_seq = turn.seq
            dynamics.escalation_message_id = turn.message_id
            dynamics.escalated_at = turn.sent_at
            dynamics.escalation_reason = reason
            dynamics.escalation_trigger = phrase or _first_sentence(turn.body)
    if dynamics.escalated:
        later = [
            turn.sentiment
            for turn in customer_turns
            if dynamics.escalation_seq is not None
            and turn.seq > dynamics.escalation_seq
            and turn.sentiment is not None
        ]
        dynamics.recovered = recovered(later)
    dynamics.reply_effects = reply_effects(turns)
    dynamics.first_response_hours = first_response_hours(turns)
    return dynamics


def _first_sentence(text: str) -> str:
    """The first sentence of ``text`` that is more than a greeting."""
    for line in text.splitlines():
        stripped = line.strip()
        if len(stripped.split()) > 3:
            match = SENTENCE.match(stripped)
            return match.group(0).strip() if match else stripped
    return text.strip()[:200]


def recovered(later_sentiments: Sequence[float]) -> bool:
    """Whether the customer's last scored turn after an escalation is no longer negative."""
    return bool(later_sentiments) and later_sentiments[-1] > NEGATIVE_SENTIMENT


def reply_effects(turns: Sequence[Turn]) -> list[dict[str, object]]:
    """For each staff reply between two scored customer turns, the change it was followed by."""
    effects: list[dict[str, object]] = []
    before: float | None = None
    pending: list[Turn] = []
    for turn in turns:
        if turn.role != "customer":
            if before is not None:
                pending.append(turn)
            continue
        if turn.sentiment is None:
            continue
        for reply in pending[-1:]:
            effects.append(
                {
                    "seq": reply.seq,
                    "role": reply.role,
                    "before": before,
                    "after": turn.sentiment,
                    "after_sent_at": turn.sent_at.isoformat(),
                    "delta": round(turn.sentiment - (before or 0.0), 4),
                }
            )
        pending = []
        before = turn.sentiment
    return effects


def first_response_hours(turns: Sequence[Turn]) -> float | None:
    """Hours from a customer's opening message to the first staff reply (None otherwise)."""
    if not turns or turns[0].role != "customer":
        return None
    for turn in turns[1:]:
        if turn.role != "customer":
            return (turn.sent_at - turns[0].sent_at).total_seconds() / 3_600
    return None
