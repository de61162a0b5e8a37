"""Industry overlays (FinTech, HealthTech, EdTech): pain points, vocabulary and timing, as data."""

from functools import cache
from importlib import resources
from typing import Any

import yaml

from cspersona.exceptions import BadInput


@cache
def overlays() -> dict[str, dict[str, Any]]:
    """The overlays shipped with the package, by key."""
    text = resources.files("cspersona.personas").joinpath("data/industry_overlays.yaml")
    loaded = yaml.safe_load(text.read_text())
    return {overlay["key"]: overlay for overlay in loaded["overlays"]}


def overlay_for(industry: str) -> dict[str, Any] | None:
    """The overlay for an overlay key or name or an industry it covers; None when none does."""
    wanted = industry.strip().lower()
    for overlay in overlays().values():
        names = {overlay["key"], overlay["name"].lower()}
        names |= {covered.lower() for covered in overlay["applies_to"]}
        if wanted in names:
            return overlay
    return None


def apply_overlay(profile: dict[str, Any], industry: str) -> dict[str, Any]:
    """A copy of ``profile`` adjusted for ``industry``: its pain points, vocabulary and timing."""
    overlay = overlay_for(industry)
    if overlay is None:
        known = ", ".join(item["name"] for item in overlays().values())
        raise BadInput(f"no industry overlay for {industry!r}; known: {known}")
    extra = [
        {"topic": point, "source": f"{overlay['name']} overlay"} for point in overlay["pain_points"]
    ]
    return profile | {
        "industry": overlay["name"],
        "focus": overlay["focus"],
        "pain_points": extra + list(profile.get("pain_points", [])),
        "vocabulary": overlay["vocabulary"],
        "timing": overlay["timing"],
    }


def industry_overlays(industry_shares: dict[str, float]) -> list[dict[str, Any]]:
    """Overlays that apply to a persona, with the share of its customers in those industries."""
    found = []
    for overlay in overlays().values():
        share = sum(industry_shares.get(name, 0.0) for name in overlay["applies_to"])
        if share > 0:
            found.append(
                {"industry": overlay["name"], "focus": overlay["focus"], "share": round(share, 3)}
            )
    return sorted(found, key=lambda item: -item["share"])
