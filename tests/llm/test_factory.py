"""Choosing the provider from settings."""

import pytest

from cspersona.config import load_settings
from cspersona.exceptions import ConfigError
from cspersona.llm.factory import client_from_settings, provider_from_settings
from cspersona.llm.providers import (
    AnthropicProvider,
    LocalServerProvider,
    OpenAICompatibleProvider,
)


def test_offline_means_no_provider() -> None:
    assert provider_from_settings(load_settings()) is None


@pytest.mark.parametrize(
    ("name", "provider_class"),
    [
        ("openai", OpenAICompatibleProvider),
        ("local", LocalServerProvider),
        ("anthropic", AnthropicProvider),
    ],
)
def test_settings_pick_the_provider_and_model(name: str, provider_class: type) -> None:
    settings = load_settings(
        llm_provider=name, llm_model="some-model", llm_base_url="http://localhost:8080/v1"
    )

    provider = provider_from_settings(settings)

    assert type(provider) is provider_class
    assert (provider.name, provider.model) == (name, "some-model")


def test_a_provider_without_a_model_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="CSPERSONA_LLM_MODEL"):
        load_settings(llm_provider="openai")


def test_offline_settings_build_no_client() -> None:
    assert client_from_settings(load_settings(), db_session=None) is None  # type: ignore[arg-type]
