"""Persona profiles read from the cluster's data, every claim with the evidence behind it.

A persona's signal for a feature is its z-score against the whole book. The rules that turn
signals into a name, a communication style, a decision-making pattern, MBTI-style letters and
success metrics are data (``data/profile_rules.yaml``), so they can be tuned without code.
"""

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import yaml

from cspersona.analytics.glossary import topic_words
from cspersona.personas.features import said
from cspersona.personas.profile_schema import (
    AxisEvidence,
    AxisScore,
    Cited,
    MbtiAxis,
    MbtiProfile,
    Naming,
    PainPoint,
    PersonaProfile,
    ProfileDimension,
    SignalEvidence,
    SuccessMetric,
    TopicShare,
    Trigger,
)

TOP_SIGNALS = 8
TOP_TOPICS = 5
STRONG_Z = 0.5
# A topic's share of the customer's messages, named after the topic (personas.features).
TOPIC_PATTERN = re.compile(r"^topic_share_\d+")
NEGATIVE_EMOTIONS = ("frustration", "anger", "confusion", "urgency")


@cache
def rules() -> dict[str, Any]:
    """The profile rules shipped with the package."""
    text = resources.files("cspersona.personas").joinpath("data/profile_rules.yaml").read_text()
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


@dataclass(frozen=True)
class Signal:
    """How one feature sets a persona apart: its mean there, in the book, and the z-score."""

    feature: str
    persona_mean: float
    book_mean: float
    z: float

    def as_evidence(self) -> SignalEvidence:
        """The signal as an evidence entry, rounded for reading."""
        return SignalEvidence(
            feature=self.feature,
            persona_mean=round(self.persona_mean, 4),
            book_mean=round(self.book_mean, 4),
            z=round(self.z, 2),
        )


def signals(frame: pd.DataFrame, members: np.ndarray) -> dict[str, Signal]:
    """Every said feature's signal for the customers selected by the boolean ``members``.

    Voice columns are left out here, so no name, dimension or list of a profile can cite them.
    """
    frame = frame[said(frame.columns)]
    book_mean = frame.mean()
    spread = frame.std(ddof=0).replace(0.0, np.nan)
    persona_mean = frame[members].mean()
    z = ((persona_mean - book_mean) / spread).fillna(0.0)
    return {
        column: Signal(
            feature=column,
            persona_mean=float(np.nan_to_num(persona_mean[column])),
            book_mean=float(np.nan_to_num(book_mean[column])),
            z=float(z[column]),
        )
        for column in frame.columns
    }


def _matching(
    found: dict[str, Signal], specs: list[dict[str, Any]]
) -> list[tuple[Signal, int, str]]:
    """Signals whose feature matches each spec's pattern, with the spec's sign and pattern."""
    matched: list[tuple[Signal, int, str]] = []
    for spec in specs:
        pattern = re.compile(spec["pattern"], re.IGNORECASE)
        matched.extend(
            (signal, int(spec["sign"]), spec["pattern"])
            for feature, signal in found.items()
            if pattern.search(feature)
        )
    return matched


def score_axis(found: dict[str, Signal], specs: list[dict[str, Any]]) -> AxisScore:
    """A dimension's score (mean signed z), confidence and the signals behind it."""
    matched = _matching(found, specs)
    if not matched:
        return AxisScore(score=0.0, confidence=0.0, evidence=[])
    score = float(np.mean([sign * signal.z for signal, sign, _ in matched]))
    coverage = len({pattern for _, _, pattern in matched}) / len(specs)
    confidence = float(min(1.0, abs(score)) * (0.5 + 0.5 * coverage))
    evidence = [
        AxisEvidence(
            **dict(signal.as_evidence()), points_to="high" if sign * signal.z > 0 else "low"
        )
        for signal, sign, _ in sorted(matched, key=lambda item: -abs(item[0].z))
    ]
    return AxisScore(score=round(score, 3), confidence=round(confidence, 3), evidence=evidence)


def dimensions(found: dict[str, Signal]) -> dict[str, ProfileDimension]:
    """Communication style, technical level, decision-making, risk tolerance, support."""
    result = {}
    for key, rule in rules()["dimensions"].items():
        axis = score_axis(found, rule["signals"])
        pole = rule["high"] if axis.score > 0 else rule["low"]
        if abs(axis.score) < 0.15:
            pole = f"between {rule['low']} and {rule['high']}"
        result[key] = ProfileDimension(title=rule["title"], value=pole, **dict(axis))
    return result


def mbti(found: dict[str, Signal]) -> MbtiProfile:
    """MBTI-style letters, each with its signals and a confidence."""
    letters = []
    axes = []
    for rule in rules()["mbti"]:
        axis = score_axis(found, rule["signals"])
        letter = rule["high"] if axis.score >= 0 else rule["low"]
        letters.append(letter)
        axes.append(
            MbtiAxis(axis=rule["axis"], letter=letter, meaning=rule["meaning"], **dict(axis))
        )
    return MbtiProfile(type="".join(letters), axes=axes)


def distinguishing(found: dict[str, Signal], limit: int = TOP_SIGNALS) -> list[Signal]:
    """The features that set a persona apart most, strongest first."""
    return sorted(found.values(), key=lambda signal: -abs(signal.z))[:limit]


def adjective(found: dict[str, Signal], taken: set[str]) -> tuple[str, Signal | None]:
    """The adjective of the strongest distinguishing feature a naming rule covers."""
    for signal in distinguishing(found, limit=len(found)):
        for rule in rules()["adjectives"]:
            if rule["adjective"] in taken or not re.search(rule["pattern"], signal.feature, re.I):
                continue
            if np.sign(signal.z) == rule["sign"]:
                return rule["adjective"], signal
    return rules()["fallback_adjective"], None


def persona_name(found: dict[str, Signal], taken_names: set[str]) -> tuple[str, Naming]:
    """An alliterative name ("Cost-Conscious Carlos") unique among ``taken_names``.

    Its first name is unique too, so a CSM can say "Carlos" and mean one persona.
    """
    taken_adjectives = {name.rsplit(" ", 1)[0] for name in taken_names}
    taken_first = {name.rsplit(" ", 1)[-1] for name in taken_names}
    word, signal = adjective(found, taken_adjectives)
    names = rules()["first_names"]
    for first in names.get(word[0].upper(), []) + names["default"]:
        name = f"{word} {first}"
        if name not in taken_names and first not in taken_first:
            break
    else:
        name = f"{word} {len(taken_names) + 1}"
    return name, Naming(adjective=word, because=signal.as_evidence() if signal else None)


def topic_label(feature: str) -> str:
    """A topic feature's readable name: ``topic_share_7_sso_login`` -> ``SSO login``.

    A topic the stage could not name (``topic_share_7``) reads as "other questions".
    """
    return topic_words(TOPIC_PATTERN.sub("", feature).strip("_"))


def top_topics(found: dict[str, Signal]) -> list[TopicShare]:
    """The topics this persona raises most, with their share here and in the book."""
    topics = [signal for feature, signal in found.items() if TOPIC_PATTERN.search(feature)]
    return [
        TopicShare(topic=topic_label(signal.feature), **dict(signal.as_evidence()))
        for signal in sorted(topics, key=lambda signal: -signal.persona_mean)[:TOP_TOPICS]
    ]


def pain_points(found: dict[str, Signal]) -> tuple[list[Trigger], list[PainPoint]]:
    """Emotional triggers (over-represented negative emotions) and pain points (topics)."""
    triggers = [
        Trigger(emotion=emotion, **dict(signal.as_evidence()))
        for feature, signal in found.items()
        for emotion in NEGATIVE_EMOTIONS
        if emotion in feature.lower() and signal.z > STRONG_Z / 2
    ]
    pains = [
        PainPoint(topic=topic_label(signal.feature), **dict(signal.as_evidence()))
        for feature, signal in found.items()
        if TOPIC_PATTERN.search(feature) and signal.z > STRONG_Z
    ]
    return (
        sorted(triggers, key=lambda item: -item.z),
        sorted(pains, key=lambda item: -item.z),
    )


def success_metrics(found: dict[str, Signal]) -> list[SuccessMetric]:
    """What success means to the persona, from its over-represented topics and uses."""
    metrics = []
    for pattern, metric in rules()["success_metrics"].items():
        matched = [signal for feature, signal in found.items() if re.search(pattern, feature, re.I)]
        strongest = max(matched, key=lambda signal: signal.z, default=None)
        if strongest is not None and strongest.z > STRONG_Z / 2:
            metrics.append(SuccessMetric(metric=metric, **dict(strongest.as_evidence())))
    return sorted(metrics, key=lambda item: -item.z)[:4]


def build_profile(
    frame: pd.DataFrame, members: np.ndarray, taken_names: set[str]
) -> PersonaProfile:
    """The data-derived profile of the customers selected by ``members``."""
    found = signals(frame, members)
    name, naming = persona_name(found, taken_names)
    triggers, pains = pain_points(found)
    return PersonaProfile(
        name=name,
        naming=naming,
        customers=int(members.sum()),
        dimensions=dimensions(found),
        mbti=mbti(found),
        triggers=triggers,
        pain_points=pains,
        success_metrics=success_metrics(found),
        top_topics=top_topics(found),
        distinguishing=[signal.as_evidence() for signal in distinguishing(found)],
    )


Sentence = tuple[str, list[Cited] | None]


def narrative_sentences(profile: PersonaProfile) -> list[Sentence]:
    """The template narrative's sentences, each with the claims it states (None: a plain count)."""
    dims = profile.dimensions
    topics = ", ".join(item.topic for item in profile.top_topics[:3]) or "no single topic"
    pains = ", ".join(item.topic for item in profile.pain_points[:2])
    triggers = ", ".join(item.emotion for item in profile.triggers[:2])
    metrics = "; ".join(item.metric for item in profile.success_metrics[:2])
    share = profile.share
    style = ("formality", "technical_level", "decision_making", "risk_tolerance")
    sentences: list[Sentence] = [
        (
            f"{profile.name} stands for {profile.customers} customers"
            + (f" ({share.customers:.0%} of the book, {share.arr:.0%} of ARR)." if share else "."),
            None,
        ),
        (
            f"Their communication is {dims['formality'].value} and "
            f"{dims['technical_level'].value}; decisions are {dims['decision_making'].value}, "
            f"and they lean {dims['risk_tolerance'].value} on new features.",
            [dims[key] for key in style],
        ),
        (
            f"They prefer {dims['support_preference'].value} support and mostly talk about "
            f"{topics}.",
            [*profile.top_topics[:3], dims["support_preference"]],
        ),
    ]
    if pains or triggers:
        sentences.append(
            (
                "Watch for "
                + " and ".join(
                    part for part in (pains, triggers and f"signs of {triggers}") if part
                )
                + ".",
                [*profile.pain_points[:2], *profile.triggers[:2]],
            )
        )
    if metrics:
        sentences.append((f"Success for them means {metrics}.", list(profile.success_metrics[:2])))
    sentences.append((f"MBTI-style, they read as {profile.mbti.type}.", []))
    return sentences


def narrative(profile: PersonaProfile) -> str:
    """A paragraph a CSM can read, filled from the profile (offline, from templates)."""
    return " ".join(text for text, _ in narrative_sentences(profile))
