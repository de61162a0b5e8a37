import pytest

from cspersona.catalogue.models import load_catalogue
from cspersona.nlp.entities import RuleEntities

TEXT_CASES = [
    ("Our Enterprise plan renews soon", [("PLAN", "Enterprise plan")]),
    ("we might move to the growth tier", [("PLAN", "growth tier")]),
    ("growth is slow this quarter", [("DATE", "this quarter")]),
    ("The REST API returns HTTP 429", [("FEATURE", "REST API"), ("ERROR_CODE", "HTTP 429")]),
    ("Saving fails with 502 Bad Gateway", [("ERROR_CODE", "502 Bad Gateway")]),
    ("Crash with ERR-1234 since v2.3.1", [("ERROR_CODE", "ERR-1234"), ("VERSION", "v2.3.1")]),
    ("upgraded to 4.12.0 yesterday", [("VERSION", "4.12.0"), ("DATE", "yesterday")]),
    ("We pay $120,000 a year", [("MONEY", "$120,000")]),
    ("a 500 EUR credit", [("MONEY", "500 EUR")]),
    ("renewal on March 3rd 2026", [("DATE", "March 3rd 2026")]),
    ("due 2026-03-01", [("DATE", "2026-03-01")]),
    ("Flowbase is cheaper", [("COMPETITOR", "Flowbase")]),
    ("the salesforce sync broke", [("INTEGRATION", "salesforce")]),
    ("Northwind dashboards are slow", [("PRODUCT", "Northwind"), ("FEATURE", "dashboards")]),
    ("Acme Analytics wants SSO", [("COMPANY", "Acme Analytics"), ("FEATURE", "SSO")]),
    ("", []),
]


@pytest.fixture(scope="module")
def analyzer() -> RuleEntities:
    return RuleEntities(load_catalogue(), company_names=["Acme Analytics"])


@pytest.mark.parametrize(("text", "expected"), TEXT_CASES)
def test_entities_found_in_text_order(
    analyzer: RuleEntities, text: str, expected: list[tuple[str, str]]
) -> None:
    (entities,) = analyzer.analyze([text])

    assert [(entity["type"], entity["text"]) for entity in entities] == expected
    for entity in entities:
        assert text[entity["start"] : entity["end"]] == entity["text"]


def test_features_carry_their_catalogue_key(analyzer: RuleEntities) -> None:
    (entities,) = analyzer.analyze(["the webhooks and the audit trail"])

    assert [entity.get("id") for entity in entities] == ["webhooks", "audit_log"]


def test_an_uninstalled_spacy_model_is_a_configuration_error() -> None:
    from cspersona.exceptions import ConfigError

    analyzer = RuleEntities(load_catalogue(), spacy_model="xx_not_installed")
    with pytest.raises(ConfigError, match="not installed"):
        analyzer.analyze(["text"])
