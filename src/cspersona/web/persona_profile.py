"""The persona page's fact lines, read from the typed profile documents.

The page shows one (label, text) line per fact and leaves the evidence to the API. Style and risk
factors have sections of their own, so the profile section leaves them out.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from cspersona.personas.profile_schema import (
    Citation,
    CommunicationStyle,
    PersonaFidelity,
    PersonaProfile,
    RiskFactors,
)

Fact = tuple[str, str]
LIST_ITEMS = 4


def names(items: Iterable[str]) -> str:
    """The first few names of a list, or an em dash for none."""
    return ", ".join(list(items)[:LIST_ITEMS]) or "—"


def profile_facts(profile: PersonaProfile) -> list[Fact]:
    """Shares, the dimensions the style section does not show, type, metrics, topics, industries."""
    lines: list[Fact] = []
    if profile.share is not None:
        lines += [
            ("Share of customers", f"{profile.share.customers:.0%}"),
            ("Share of ARR", f"{profile.share.arr:.0%}"),
        ]
    lines += [
        (dimension.title, dimension.value)
        for key, dimension in profile.dimensions.items()
        if key not in CommunicationStyle.model_fields
    ]
    if profile.mbti.type:
        lines.append(("MBTI-style type", profile.mbti.type))
    lines += [
        ("Success metrics", names(item.metric for item in profile.success_metrics)),
        ("Top topics", names(item.topic for item in profile.top_topics)),
        ("Industries", names(f"{name} {share:.0%}" for name, share in profile.industries.items())),
    ]
    if profile.narrative_by:
        lines.append(("Narrative by", profile.narrative_by))
    return lines


def style_facts(style: CommunicationStyle) -> list[Fact]:
    """The communication style's dimensions."""
    return [
        (dimension.title, dimension.value)
        for dimension in (style.formality, style.technical_level)
        if dimension is not None
    ]


def risk_facts(risks: RiskFactors) -> list[Fact]:
    """Triggers and pain points, where recorded."""
    lines: list[Fact] = []
    if risks.triggers is not None:
        lines.append(("Triggers", names(item.emotion for item in risks.triggers)))
    if risks.pain_points is not None:
        lines.append(("Pain points", names(item.topic for item in risks.pain_points)))
    return lines


@dataclass(frozen=True)
class Claim:
    """A statement of the profile and the member messages quoted for it (none: no evidence)."""

    statement: str
    citations: list[Citation]


ClaimGroup = tuple[str, list[Claim]]


def claim_groups(profile: PersonaProfile) -> list[ClaimGroup]:
    """The profile's claims by kind, each with its quotes; empty for a profile built before."""
    if not profile.narrative_claims:
        return []
    groups: list[ClaimGroup] = [
        (
            "Pain points",
            [
                Claim(
                    f"They raise {item.topic} more than most customers ({item.persona_mean:.0%} "
                    f"of their messages, {item.book_mean:.0%} across the book)",
                    item.citations,
                )
                for item in profile.pain_points
            ],
        ),
        (
            "Emotional triggers",
            [
                Claim(f"They show {item.emotion} more than most customers", item.citations)
                for item in profile.triggers
            ],
        ),
        (
            "Success metrics",
            [
                Claim(f"Success means {item.metric}", item.citations)
                for item in profile.success_metrics
            ],
        ),
        (
            "Communication style",
            [
                Claim(f"{item.title}: {item.value}", item.citations)
                for key, item in profile.dimensions.items()
                if key in CommunicationStyle.model_fields
            ],
        ),
        (
            "The narrative",
            [Claim(item.statement, item.citations) for item in profile.narrative_claims],
        ),
    ]
    return [(title, claims) for title, claims in groups if claims]


TARGET_WORDS = {
    "nps": "NPS group (promoter, passive or detractor)",
    "topic": "The topic they wrote about most",
    "sentiment": "Mood of their messages (positive, neutral or negative)",
}


@dataclass(frozen=True)
class FidelityRow:
    """One held-out answer: how often the persona, the book and the member's past got it right."""

    target: str
    persona: str
    book: str
    own: str
    normalised: str
    members: int


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def fidelity_rows(fidelity: PersonaFidelity) -> list[FidelityRow]:
    """The fidelity table, one row per held-out answer."""
    return [
        FidelityRow(
            target=TARGET_WORDS[item.target],
            persona=_share(item.persona_accuracy),
            book=_share(item.book_accuracy),
            own=_share(item.self_accuracy),
            normalised=_share(item.normalised),
            members=item.members,
        )
        for item in fidelity.targets
    ]
