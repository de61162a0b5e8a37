"""The PII part of the settings, read as entity types: which to detect, and how to replace each.

``Settings`` keeps the names as text (settings sit below every package); they are checked here, so
a misspelt type is one error naming the setting, raised when PII handling is first set up.
"""

from cspersona.config import Settings
from cspersona.exceptions import ConfigError
from cspersona.pii.entities import EntityType

# People keep a consistent stand-in, so conversations still read naturally; numbers and
# secrets become their type tag.
PSEUDONYMISED_BY_DEFAULT = frozenset(
    {EntityType.PERSON, EntityType.EMAIL_ADDRESS, EntityType.PHONE_NUMBER}
)


def _entity_type(name: str, setting: str) -> EntityType:
    try:
        return EntityType(name)
    except ValueError:
        known = ", ".join(EntityType)
        raise ConfigError(f"{setting}: {name!r} is not a PII type; use one of {known}") from None


def detected_entities(settings: Settings) -> list[EntityType]:
    """The types ``CSPERSONA_PII_ENTITIES`` names, every type when it is unset."""
    if settings.pii_entities is None:
        return list(EntityType)
    return [_entity_type(name, "CSPERSONA_PII_ENTITIES") for name in settings.pii_entities]


def operator_names(settings: Settings) -> dict[EntityType, str]:
    """The operator per type: ``CSPERSONA_PII_OPERATORS`` over the defaults."""
    chosen = {
        _entity_type(name, "CSPERSONA_PII_OPERATORS"): operator
        for name, operator in settings.pii_operators.items()
    }
    return {
        entity_type: chosen.get(
            entity_type,
            "pseudonymize" if entity_type in PSEUDONYMISED_BY_DEFAULT else "replace",
        )
        for entity_type in EntityType
    }
