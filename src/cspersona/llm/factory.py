"""Building the configured provider and client from settings."""

from typing import Any

from sqlalchemy.orm import Session

from cspersona.config import Settings
from cspersona.llm.client import LLMClient, Pricing
from cspersona.llm.providers import (
    AnthropicProvider,
    LLMProvider,
    LocalServerProvider,
    OpenAICompatibleProvider,
    SdkProvider,
)
from cspersona.llm.retry import RetryPolicy
from cspersona.pii.anonymizer import PiiRedactor

# The class behind each value of llm_provider but "offline", which needs none.
PROVIDERS: dict[str, type[SdkProvider]] = {
    "openai": OpenAICompatibleProvider,
    "local": LocalServerProvider,
    "anthropic": AnthropicProvider,
}


def provider_from_settings(settings: Settings, *, http_client: Any = None) -> LLMProvider | None:
    """The provider ``llm_provider`` names, or None for the offline engine."""
    if settings.llm_provider == "offline":
        return None
    provider_class = PROVIDERS[settings.llm_provider]
    return provider_class(
        model=settings.llm_model or "",
        api_key=settings.llm_api_key.get_secret_value() if settings.llm_api_key else None,
        base_url=settings.llm_base_url,
        timeout_seconds=settings.llm_timeout_seconds,
        http_client=http_client,
    )


def client_from_settings(
    settings: Settings, *, db_session: Session, http_client: Any = None
) -> LLMClient | None:
    """An :class:`LLMClient` for the configured provider, or None when the product runs offline."""
    provider = provider_from_settings(settings, http_client=http_client)
    if provider is None:
        return None
    redactor = PiiRedactor.from_settings(settings, operator="replace")
    return LLMClient(
        provider,
        db_session=db_session,
        redact=redactor.redact,
        pricing=Pricing(settings.llm_input_cost_per_million, settings.llm_output_cost_per_million),
        retry=RetryPolicy(retries=settings.llm_max_retries),
    )
