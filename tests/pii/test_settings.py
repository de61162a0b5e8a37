import pytest

from cspersona.config import load_settings
from cspersona.exceptions import ConfigError
from cspersona.pii.entities import EntityType
from cspersona.pii.settings import detected_entities, operator_names


def test_every_type_is_detected_unless_the_setting_names_some() -> None:
    assert detected_entities(load_settings()) == list(EntityType)
    assert detected_entities(load_settings(pii_entities=["URL", "PERSON"])) == [
        EntityType.URL,
        EntityType.PERSON,
    ]


def test_operators_default_per_type_and_the_setting_overrides_them() -> None:
    chosen = operator_names(load_settings(pii_operators={"CREDIT_CARD": "mask"}))

    assert chosen[EntityType.CREDIT_CARD] == "mask"
    assert chosen[EntityType.PERSON] == "pseudonymize"
    assert chosen[EntityType.US_SSN] == "replace"


def test_an_unknown_type_is_one_error_naming_the_setting() -> None:
    with pytest.raises(ConfigError, match=r"^CSPERSONA_PII_ENTITIES: 'PERSN' is not a PII type"):
        detected_entities(load_settings(pii_entities=["PERSN"]))
    with pytest.raises(ConfigError, match=r"^CSPERSONA_PII_OPERATORS: 'PHONE' is not a PII type"):
        operator_names(load_settings(pii_operators={"PHONE": "mask"}))
