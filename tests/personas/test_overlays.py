import pytest

from cspersona.exceptions import BadInput
from cspersona.personas.overlays import apply_overlay, industry_overlays, overlay_for


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
    found = overlay_for(industry)

    assert found is not None
    assert (found["name"], found["focus"]) == (overlay, focus)


def test_an_overlay_adds_pain_points_vocabulary_and_timing() -> None:
    profile = {"name": "Cautious Carlos", "pain_points": [{"topic": "sso"}]}

    adjusted = apply_overlay(profile, "HealthTech")

    assert adjusted["pain_points"][-1] == {"topic": "sso"}
    assert any("HIPAA" in point["topic"] for point in adjusted["pain_points"])
    assert adjusted["vocabulary"]["customer data"] == "protected health information (PHI)"
    assert adjusted["timing"]
    assert profile["pain_points"] == [{"topic": "sso"}]


def test_an_unknown_industry_is_bad_input() -> None:
    with pytest.raises(BadInput, match="no industry overlay for 'Mining'"):
        apply_overlay({}, "Mining")


def test_a_persona_lists_the_overlays_of_its_industries() -> None:
    found = industry_overlays({"FinTech": 0.3, "Insurance": 0.1, "Retail": 0.6})

    assert found == [{"industry": "FinTech", "focus": "compliance", "share": 0.4}]
