"""Industry overlays: pain points, vocabulary and timing for regulated or seasonal industries.

FinTech, HealthTech and EdTech are packaged, and an analyst adds more without code: every
``*.yaml`` file in the overlays folder (the ``overlays_dir`` setting, else
``<data_dir>/overlays``) adds overlays, and one with a packaged overlay's key replaces it. Files
are read on each call: they are small, and an analyst's new file shows without a restart.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cspersona.config import Settings
from cspersona.exceptions import BadInput, ConfigError

# An overlay shapes a persona (its chat customer, its playbooks) once this share of the members
# is in the overlay's industries: the risk-averse customers of the synthetic world are 30%
# FinTech and 28% HealthTech, while no other archetype reaches 16% in either.
SHAPING_SHARE = 0.25


class IndustryOverlay(BaseModel):
    """One overlay as written in YAML."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    key: str = Field(pattern=r"^[a-z0-9_-]{1,32}$")
    name: str = Field(min_length=1, max_length=64)
    applies_to: list[str] = Field(min_length=1)
    focus: str = Field(min_length=1, max_length=64)
    pain_points: list[str] = Field(min_length=1)
    vocabulary: dict[str, str] = {}
    timing: list[str] = []


class OverlayFile(BaseModel):
    """A YAML file of overlays: ``overlays:`` and a list."""

    model_config = ConfigDict(extra="forbid")

    overlays: list[IndustryOverlay] = Field(min_length=1)


class IndustryGuidance(BaseModel):
    """What an overlay tells a CSM about a persona: its share of members and its advice."""

    industry: str
    focus: str
    share: float
    pain_points: list[str]
    vocabulary: dict[str, str]
    timing: list[str]

    @property
    def shapes_persona(self) -> bool:
        """Whether enough members are in the industry for the overlay to shape the persona."""
        return self.share >= SHAPING_SHARE


@dataclass(frozen=True)
class OverlaySet:
    """The overlays in force, by key, in the order they were read."""

    overlays: dict[str, IndustryOverlay]

    def find(self, industry: str) -> IndustryOverlay | None:
        """The overlay for an overlay key or name or an industry it covers; None when none does."""
        wanted = industry.strip().lower()
        for overlay in self.overlays.values():
            names = {overlay.key, overlay.name.lower()}
            names |= {covered.lower() for covered in overlay.applies_to}
            if wanted in names:
                return overlay
        return None

    def apply(self, profile: dict[str, Any], industry: str) -> dict[str, Any]:
        """A copy of ``profile`` adjusted for ``industry``: its pain points, vocabulary, timing."""
        overlay = self.find(industry)
        if overlay is None:
            known = ", ".join(item.name for item in self.overlays.values())
            raise BadInput(f"no industry overlay for {industry!r}; known: {known}")
        extra = [
            {"topic": point, "source": f"{overlay.name} overlay"} for point in overlay.pain_points
        ]
        return profile | {
            "industry": overlay.name,
            "focus": overlay.focus,
            "pain_points": extra + list(profile.get("pain_points", [])),
            "vocabulary": overlay.vocabulary,
            "timing": overlay.timing,
        }

    def guidance(
        self, industry_shares: Mapping[str, float], minimum_share: float = 0.0
    ) -> list[IndustryGuidance]:
        """Overlays covering at least ``minimum_share`` of a persona's members, largest first."""
        found = []
        for overlay in self.overlays.values():
            share = sum(industry_shares.get(name, 0.0) for name in overlay.applies_to)
            if share > 0 and share >= minimum_share:
                found.append(
                    IndustryGuidance(
                        industry=overlay.name,
                        focus=overlay.focus,
                        share=round(share, 3),
                        pain_points=overlay.pain_points,
                        vocabulary=overlay.vocabulary,
                        timing=overlay.timing,
                    )
                )
        return sorted(found, key=lambda item: -item.share)

    def shares(self, industry_shares: Mapping[str, float]) -> list[dict[str, Any]]:
        """Overlays that apply to a persona, with its members' share in their industries."""
        return [
            {"industry": item.industry, "focus": item.focus, "share": item.share}
            for item in self.guidance(industry_shares)
        ]


def read_overlay_file(path: Path) -> list[IndustryOverlay]:
    """The overlays of one YAML file, or :class:`ConfigError` naming the file and the field."""
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        return OverlayFile.model_validate(loaded).overlays
    except yaml.YAMLError as error:
        raise ConfigError(f"industry overlay file {path} is not valid YAML: {error}") from None
    except ValidationError as error:
        problem = error.errors()[0]
        field = (
            "".join(
                f"[{part}]" if isinstance(part, int) else f".{part}" for part in problem["loc"]
            ).lstrip(".")
            or "the whole file"
        )
        raise ConfigError(f"industry overlay file {path}: {field}: {problem['msg']}") from None


@cache
def packaged_overlays() -> tuple[IndustryOverlay, ...]:
    """The overlays shipped with the package."""
    source = resources.files("cspersona.personas").joinpath("data/industry_overlays.yaml")
    with resources.as_file(source) as path:
        return tuple(read_overlay_file(path))


def load_overlays(folder: Path | None = None) -> OverlaySet:
    """The packaged overlays, then those of every ``*.yaml`` file in ``folder`` (by file name)."""
    overlays = {overlay.key: overlay for overlay in packaged_overlays()}
    if folder is not None and folder.exists():
        if not folder.is_dir():
            raise ConfigError(f"industry overlays folder {folder} is not a folder")
        for path in sorted(folder.glob("*.yaml")):
            overlays |= {overlay.key: overlay for overlay in read_overlay_file(path)}
    return OverlaySet(overlays)


def overlays_folder(settings: Settings) -> Path:
    """Where an analyst's overlay files live."""
    return settings.overlays_dir or settings.data_dir / "overlays"


def overlays_for(settings: Settings) -> OverlaySet:
    """The overlays in force under ``settings``."""
    return load_overlays(overlays_folder(settings))


def persona_guidance(
    industry_shares: Mapping[str, float], settings: Settings
) -> list[IndustryGuidance]:
    """The industry advice that shapes a persona: what playbooks and chat build on.

    ``industry_shares`` is the persona profile's ``industries``; only overlays covering at least
    :data:`SHAPING_SHARE` of its members are returned.
    """
    return overlays_for(settings).guidance(industry_shares, minimum_share=SHAPING_SHARE)
