import statistics
from collections import defaultdict

import pytest

from cspersona.catalogue.models import load_catalogue
from cspersona.nlp.sophistication import LexicalSophistication
from cspersona.synth.world import World


@pytest.mark.parametrize(
    ("plain", "technical"),
    [
        (
            "Hi, the report looks wrong, can someone call me?",
            "The /v2/exports endpoint returns HTTP 429 after 100 requests; retry_after header "
            "is missing and our ETL pipeline's backoff fails on the JSON payload.",
        ),
        ("We love it, thanks!", "SAML SSO via Okta breaks SCIM provisioning since v3.2.1."),
    ],
)
def test_technical_text_scores_higher(plain: str, technical: str) -> None:
    analyzer = LexicalSophistication()

    low, high = analyzer.analyze([plain, technical])

    assert low is not None and high is not None
    assert 0 <= low < high <= 1


def test_a_text_without_words_has_no_score() -> None:
    assert LexicalSophistication().analyze(["", "🎉"]) == [None, None]


def test_technical_experts_score_highest_and_business_users_lowest() -> None:
    world = World(seed=7, scale=0.1, catalogue=load_catalogue())
    analyzer = LexicalSophistication(extra_terms=load_catalogue().integrations)
    by_archetype: dict[str, list[float]] = defaultdict(list)
    for customer in world.plan():
        bundle = world.build(customer)
        texts = [
            message["text"]
            for message in bundle.data.get("messages", [])
            if message["author_role"] == "customer"
        ]
        scores = [score for score in analyzer.analyze(texts) if score is not None]
        if scores:
            by_archetype[bundle.archetype].append(statistics.mean(scores))
    means = {archetype: statistics.mean(values) for archetype, values in by_archetype.items()}
    others = [
        mean for key, mean in means.items() if key not in {"technical_expert", "business_user"}
    ]

    assert means["technical_expert"] > max(others)
    assert means["business_user"] < min(others)
