from pathlib import Path

import pytest

from cspersona.config import load_settings
from cspersona.exceptions import BadInput, ConfigError
from cspersona.personas.overlays import load_overlays, overlays_for, persona_guidance

PACKAGED = load_overlays()

MINING = """
overlays:
  - key: mining
    name: Mining
    applies_to: [Mining, Metals]
    focus: site safety
    pain_points:
      - "Shift changes: crews rotate every twelve hours"
    vocabulary:
      users: site crews
    timing:
      - Avoid changes during the quarterly shutdown
"""


@pytest.mark.parametrize(
    ("industry", "overlay", "focus"),
    [
        ("FinTech", "FinTech", "compliance"),
        ("banking", "FinTech", "compliance"),
        ("HealthTech", "HealthTech", "HIPAA"),
        ("edtech", "EdTech", "academic calendar"),
    ],
)
def test_overlays_are_found_by_name_key_or_covered_industry(
    industry: str, overlay: str, focus: str
) -> None:
    found = PACKAGED.find(industry)

    assert found is not None
    assert (found.name, found.focus) == (overlay, focus)


def test_every_packaged_pain_point_is_a_sentence() -> None:
    points = [point for overlay in PACKAGED.overlays.values() for point in overlay.pain_points]

    assert len(points) == 9
    assert (
        "Change management: every release must be approved before it reaches production" in points
    )


def test_an_overlay_adds_pain_points_vocabulary_and_timing() -> None:
    profile = {"name": "Cautious Carlos", "pain_points": [{"topic": "sso"}]}

    adjusted = PACKAGED.apply(profile, "HealthTech")

    assert adjusted["pain_points"][-1] == {"topic": "sso"}
    assert any("HIPAA" in point["topic"] for point in adjusted["pain_points"])
    assert adjusted["vocabulary"]["customer data"] == "protected health information (PHI)"
    assert adjusted["timing"]
    assert profile["pain_points"] == [{"topic": "sso"}]


def test_an_unknown_industry_is_bad_input() -> None:
    with pytest.raises(BadInput, match="no industry overlay for 'Mining'"):
        PACKAGED.apply({}, "Mining")


def test_a_persona_lists_the_overlays_of_its_industries() -> None:
    found = PACKAGED.shares({"FinTech": 0.3, "Insurance": 0.1, "Retail": 0.6})

    assert found == [{"industry": "FinTech", "focus": "compliance", "share": 0.4}]


def test_guidance_for_playbooks_keeps_the_overlays_that_shape_a_persona(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)

    guidance = persona_guidance({"FinTech": 0.3, "HealthTech": 0.28, "EdTech": 0.08}, settings)

    assert [item.industry for item in guidance] == ["FinTech", "HealthTech"]
    assert guidance[0].share == 0.3
    assert guidance[0].vocabulary["data export"] == "audit trail"
    assert any("SOC 2" in point for point in guidance[0].pain_points)
    assert guidance[1].timing


def test_an_analyst_adds_an_overlay_with_a_yaml_file_in_the_data_folder(tmp_path: Path) -> None:
    folder = tmp_path / "overlays"
    folder.mkdir()
    (folder / "mining.yaml").write_text(MINING)
    settings = load_settings(data_dir=tmp_path)

    overlays = overlays_for(settings)
    mining = overlays.find("metals")

    assert list(overlays.overlays) == ["fintech", "healthtech", "edtech", "mining"]
    assert mining is not None
    assert mining.pain_points == ["Shift changes: crews rotate every twelve hours"]
    assert overlays.shares({"Mining": 0.5})[0]["industry"] == "Mining"


def test_a_file_with_a_packaged_key_replaces_that_overlay(tmp_path: Path) -> None:
    (tmp_path / "fintech.yaml").write_text(MINING.replace("key: mining", "key: fintech"))

    overlays = load_overlays(tmp_path)

    assert overlays.overlays["fintech"].name == "Mining"
    assert overlays.find("banking") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (MINING.replace("    focus: site safety\n", ""), r"overlays\[0\]\.focus: Field required"),
        (
            MINING.replace(
                '      - "Shift changes: crews rotate every twelve hours"',
                "      - Shift changes: crews",
            ),
            r"overlays\[0\]\.pain_points\[0\]: Input should be a valid string",
        ),
        (
            MINING.replace("key: mining", "key: Mining Co"),
            r"overlays\[0\]\.key: String should match",
        ),
        ("overlays: [", "is not valid YAML"),
        ("- just a list", "the whole file: Input should be a valid dictionary"),
    ],
)
def test_a_bad_overlay_file_names_the_file_and_the_field(
    tmp_path: Path, text: str, message: str
) -> None:
    (tmp_path / "bad.yaml").write_text(text)

    with pytest.raises(ConfigError, match=rf"industry overlay file .*bad\.yaml.*{message}"):
        load_overlays(tmp_path)
