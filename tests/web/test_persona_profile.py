import inspect

from cspersona.personas.profile_schema import (
    BookShare,
    CommunicationStyle,
    MbtiProfile,
    PainPoint,
    PersonaProfile,
    ProfileDimension,
    RiskFactors,
    SuccessMetric,
    TopicShare,
    Trigger,
)
from cspersona.web import persona_profile
from cspersona.web.persona_profile import names, profile_facts, risk_facts, style_facts

EVIDENCE = {"feature": "x", "persona_mean": 0.3, "book_mean": 0.1, "z": 1.5}


def dimension(title: str, value: str) -> ProfileDimension:
    return ProfileDimension(title=title, value=value)


def test_names_shows_the_first_few_or_a_dash() -> None:
    assert names(["a", "b", "c", "d", "e"]) == "a, b, c, d"
    assert names([]) == "—"


def test_the_profile_lines_read_typed_fields_and_leave_style_to_its_section() -> None:
    profile = PersonaProfile(
        name="X",
        narrative="shown elsewhere",
        share=BookShare(customers=0.25, arr=0.5, arr_total=10.0),
        dimensions={
            "formality": dimension("Communication style", "casual"),
            "technical_level": dimension("Technical level", "expert"),
            "risk_tolerance": dimension("Risk tolerance", "cautious"),
        },
        mbti=MbtiProfile(type="ISTJ", axes=[]),
        success_metrics=[SuccessMetric(metric="API headroom", **EVIDENCE)],
        top_topics=[TopicShare(topic="billing", **EVIDENCE), TopicShare(topic="sso", **EVIDENCE)],
        industries={"FinTech": 0.75, "Retail": 0.25},
        narrative_by="some-model",
    )

    assert profile_facts(profile) == [
        ("Share of customers", "25%"),
        ("Share of ARR", "50%"),
        ("Risk tolerance", "cautious"),
        ("MBTI-style type", "ISTJ"),
        ("Success metrics", "API headroom"),
        ("Top topics", "billing, sso"),
        ("Industries", "FinTech 75%, Retail 25%"),
        ("Narrative by", "some-model"),
    ]


def test_style_and_risk_lines_show_what_their_documents_hold() -> None:
    style = CommunicationStyle(formality=dimension("Communication style", "formal"))
    risks = RiskFactors(
        triggers=[Trigger(emotion="anger", **EVIDENCE), Trigger(emotion="confusion", **EVIDENCE)],
        pain_points=[],
    )

    assert style_facts(style) == [("Communication style", "formal")]
    assert risk_facts(risks) == [("Triggers", "anger, confusion"), ("Pain points", "—")]
    assert risk_facts(RiskFactors(pain_points=[PainPoint(topic="sso", **EVIDENCE)])) == [
        ("Pain points", "sso")
    ]
    assert style_facts(CommunicationStyle()) == risk_facts(RiskFactors()) == []


def test_the_page_module_reads_no_documents_by_key() -> None:
    source = inspect.getsource(persona_profile)

    assert "isinstance" not in source
    assert ".get(" not in source
