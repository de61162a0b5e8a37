"""Claims that cite what members said: up to three member messages behind each profile claim.

A claim rests on a feature (a topic's share, an emotion, a mood, formal or technical wording);
each member message gets a strength for it (in that topic; how strongly it shows the emotion;
how negative it is; how many formal, casual or technical words per word). Interviews come first
among the messages that back a claim, then the strongest, then those of the members nearest the
persona's centre, one message per member while others are left; a quote a reader would stumble
on (an id such as ``req_42``, a doubled word: :mod:`cspersona.nlp.text_checks`) is passed over.
A claim no message backs keeps
an empty list, which the persona page shows as "no direct evidence".
"""

import re
from collections.abc import Hashable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from cspersona.conversations.models import InteractionType
from cspersona.nlp.text_checks import text_problems
from cspersona.personas.profile_schema import (
    Citation,
    Cited,
    NarrativeClaim,
    PersonaProfile,
    ProfileDimension,
)
from cspersona.personas.profiles import narrative_sentences
from cspersona.personas.quotes import quote, spoken
from cspersona.pii.anonymizer import PiiRedactor

CITATIONS_PER_CLAIM = 3
QUOTE_LENGTH = 240
# Shorter messages ("Thanks, that worked") back nothing a reader can see.
SHORTEST_QUOTE = 40
EMOTION_FLOOR = 0.5
NEGATIVE_SENTIMENT = -0.2
TOPIC = re.compile(r"^topic_share_(\d+)")
EMOTION = re.compile(r"^emotion_([a-z]+)_mean")
# Features that say a persona is more negative when high, or when low.
MORE_NEGATIVE = re.compile(r"negative_share|nps_drop")
LESS_POSITIVE = re.compile(r"sentiment_(recent_)?mean|nps_(mean|last)")
# Wording features and the per-message count that shows them.
WORDING = (
    (re.compile(r"formality_index|(?<!in)formal_markers"), "formal_markers"),
    (re.compile(r"informal_markers|exclamation|emoji"), "informal_markers"),
    (re.compile(r"technical_terms|sophistication"), "technical_terms"),
)


def strength(messages: pd.DataFrame, feature: str, z: float) -> pd.Series | None:
    """How strongly each message backs "the persona has more (z > 0) or less of ``feature``".

    None when no message can show it (usage, timing, or less of something).
    """
    if (match := TOPIC.match(feature)) and z > 0:
        return (messages["topic"] == int(match[1])).astype(float)
    if (match := EMOTION.match(feature)) and z > 0 and f"emotion_{match[1]}" in messages:
        emotion = messages[f"emotion_{match[1]}"].fillna(0.0)
        return emotion.where(emotion >= EMOTION_FLOOR, 0.0)
    if (MORE_NEGATIVE.search(feature) and z > 0) or (LESS_POSITIVE.search(feature) and z < 0):
        score = messages["sentiment_score"].fillna(0.0)
        return (-score).where(score < NEGATIVE_SENTIMENT, 0.0)
    for pattern, column in WORDING:
        if pattern.search(feature) and z > 0:
            return messages[column] / messages["words"].clip(lower=1.0)
    return None


class Citer:
    """Picks and quotes the messages behind one persona's claims.

    ``messages`` are customer messages (:class:`cspersona.personas.voc.CustomerVoice`);
    ``members`` the persona's customers, nearest its centre first.
    """

    def __init__(self, messages: pd.DataFrame, members: list[int], redactor: PiiRedactor):
        """Keep the members' messages long enough to quote, with their member's rank."""
        rank = pd.Series(np.arange(len(members)), index=members)
        own = messages[messages["customer_id"].isin(rank.index)]
        own = own[own["body"].map(lambda body: len(spoken(body))) >= SHORTEST_QUOTE]
        self.messages = own.assign(
            member_rank=own["customer_id"].map(rank),
            not_interview=own["interaction_type"] != InteractionType.INTERVIEW.value,
        )
        self.redactor = redactor

    def cite(self, feature: str, z: float) -> list[Citation]:
        """Up to three messages that back the claim on ``feature``, best first."""
        weights = strength(self.messages, feature, z)
        if weights is None:
            return []
        backing = self.messages.assign(strength=weights.fillna(0.0))
        backing = backing[backing["strength"] > 0].sort_values(
            ["not_interview", "strength", "member_rank", "message_id"],
            ascending=[True, False, True, True],
        )
        first_per_member = backing.drop_duplicates("customer_id")
        chosen = pd.concat([first_per_member, backing.drop(first_per_member.index)])
        citations: list[Citation] = []
        for row in chosen.head(CITATIONS_PER_CLAIM * 10).to_dict("records"):
            citation = self._citation(row)
            if not text_problems(citation.quote):
                citations.append(citation)
            if len(citations) == CITATIONS_PER_CLAIM:
                break
        return citations

    def _citation(self, row: dict[Hashable, Any]) -> Citation:
        """One chosen message as a citation with its quote."""
        return Citation(
            message_id=int(row["message_id"]),
            interaction_id=int(row["interaction_id"]),
            customer_id=int(row["customer_id"]),
            interaction_type=str(row["interaction_type"]),
            quote=quote(str(row["body"]), self.redactor, QUOTE_LENGTH),
        )

    def cite_dimension(self, dimension: ProfileDimension) -> list[Citation]:
        """Messages behind the dimension's pole: from its first signal that messages can show."""
        if dimension.value.startswith("between") or not dimension.score:
            return []
        pole = "high" if dimension.score > 0 else "low"
        for evidence in dimension.evidence:
            if evidence.points_to == pole and (found := self.cite(evidence.feature, evidence.z)):
                return found
        return []


def merged(claims: Iterable[Cited]) -> list[Citation]:
    """The claims' citations taken in turn (first of each, then second...), without repeats."""
    lists = [claim.citations for claim in claims]
    seen: dict[int, Citation] = {}
    for position in range(CITATIONS_PER_CLAIM):
        for citations in lists:
            if position < len(citations):
                seen.setdefault(citations[position].message_id, citations[position])
    return list(seen.values())[:CITATIONS_PER_CLAIM]


def cite_profile(profile: PersonaProfile, citer: Citer) -> None:
    """Give every claim of ``profile`` its citations, then each narrative statement its own."""
    for trigger in profile.triggers:
        trigger.citations = citer.cite(trigger.feature, trigger.z)
    for topic in [*profile.pain_points, *profile.top_topics]:
        topic.citations = citer.cite(topic.feature, 1.0)  # they do raise it, whatever the book
    for metric in profile.success_metrics:
        metric.citations = citer.cite(metric.feature, metric.z)
    for dimension in profile.dimensions.values():
        dimension.citations = citer.cite_dimension(dimension)
    profile.narrative_claims = [
        NarrativeClaim(statement=text, citations=merged(sources))
        for text, sources in narrative_sentences(profile)
        if sources is not None
    ]
