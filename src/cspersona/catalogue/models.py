"""The catalogue's shape, its loader and the packaged default."""

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from cspersona.exceptions import ConfigError

DEFAULT_CATALOGUE = Path(__file__).with_name("default.yaml")


class Feature(BaseModel):
    """A product feature: a stable key (as usage data names it), a name, and how people say it."""

    key: str
    name: str
    aliases: list[str] = []


class Catalogue(BaseModel):
    """What the vendor sells (plans, features, integrations) and the competitors customers name."""

    product: str
    plans: list[str]
    features: list[Feature]
    integrations: list[str] = []
    competitors: list[str] = []

    @property
    def feature_keys(self) -> list[str]:
        """Feature keys in catalogue order, as usage data names them."""
        return [feature.key for feature in self.features]


@lru_cache(maxsize=8)
def load_catalogue(path: Path | None = None) -> Catalogue:
    """Read a catalogue YAML file (the packaged default when ``path`` is None)."""
    source = path or DEFAULT_CATALOGUE
    try:
        return Catalogue.model_validate(yaml.safe_load(source.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise ConfigError(f"catalogue file {source} does not exist") from None
    except (yaml.YAMLError, ValidationError) as error:
        first_line = str(error).splitlines()[0]
        raise ConfigError(
            f"catalogue file {source} is not a valid catalogue: {first_line}"
        ) from None
