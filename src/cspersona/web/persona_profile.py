"""The persona page's fact lines, read from the typed profile documents.

The page shows one (label, text) line per fact and leaves the evidence to the API. Style and risk
factors have sections of their own, so the profile section leaves them out.
"""

from collections.abc import Iterable

from cspersona.personas.profile_schema import CommunicationStyle, PersonaProfile, RiskFactors

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
