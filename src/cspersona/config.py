"""Settings: one object read from ``CSPERSONA_*`` environment variables and a ``.env`` file."""

import os
import secrets
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Literal, Self, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from cspersona.exceptions import ConfigError

DEFAULT_SECRET_KEY = "change-me"

PiiOperatorName = Literal["replace", "mask", "hash", "pseudonymize"]
PII_OPERATOR_NAMES: tuple[str, ...] = get_args(PiiOperatorName)

# A 7-billion-parameter model on a laptop CPU reads a 1,200-token prompt and writes a 300-token
# reply in one to three minutes.
LOCAL_TIMEOUT_SECONDS = 300.0


class Settings(BaseSettings):
    """Everything the product can be configured with; see docs/configuration.md."""

    model_config = SettingsConfigDict(
        env_prefix="CSPERSONA_",
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
    )

    environment: Literal["local", "production"] = Field(
        default="local",
        description="`production` refuses unsafe defaults such as the built-in secret key.",
    )
    data_dir: Path = Field(
        default=Path("data"),
        description="Folder for the SQLite database, generated worlds and trained models.",
    )
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; empty means a SQLite file in `data_dir`. "
        "`postgresql://user@host:5432/db` switches to PostgreSQL.",
    )
    secret_key: str = Field(
        default=DEFAULT_SECRET_KEY,
        description="Salt for PII hashing and pseudonyms and for API-key digests.",
    )
    catalogue_path: Path | None = Field(
        default=None,
        description="YAML catalogue of your product (plans, features, integrations, competitors); "
        "empty means the packaged demo catalogue.",
    )
    overlays_dir: Path | None = Field(
        default=None,
        description="Folder of industry overlay YAML files added to the packaged FinTech, "
        "HealthTech and EdTech ones; empty means `<data_dir>/overlays`.",
    )
    host: str = Field(default="127.0.0.1", description="Address `cspersona serve` binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `cspersona serve` uses.")
    workers: int = Field(
        default=0,
        ge=0,
        le=32,
        description="Processes `cspersona serve` answers requests with; 0 means one per CPU "
        "core (at most 4).",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="Logging threshold for the CLI and the server."
    )
    session_cookie_secure: bool = Field(
        default=True,
        description="Mark the dashboard's session cookie Secure (sent over HTTPS and to "
        "localhost only); turn off only to serve plain HTTP on a trusted network.",
    )
    session_lifetime_hours: int = Field(
        default=12, ge=1, le=24 * 30, description="How long a dashboard login lasts."
    )
    job_runner: Literal["inline", "celery"] = Field(
        default="inline",
        description="`inline` runs jobs on a worker thread inside the API process; `celery` sends "
        "them to Celery workers over Redis (`cspersona jobs worker`).",
    )
    job_threads: int = Field(
        default=1, ge=1, le=32, description="Worker threads of the inline job runner."
    )
    celery_broker_url: str = Field(
        default="redis://127.0.0.1:6379/0",
        description="Redis URL the celery job runner and `cspersona jobs worker` share.",
    )
    job_queue: str = Field(
        default="cspersona",
        min_length=1,
        description="Celery queue the API sends jobs to and `cspersona jobs worker` consumes.",
    )
    job_modules: list[str] = Field(
        default=[],
        description="Extra modules to import for their job kinds (plugins), as a JSON list; "
        "every `cspersona.<package>.jobs` module is imported anyway.",
    )
    pii_enabled: bool = Field(
        default=True, description="Detect and anonymise PII in imported text before storing it."
    )
    # PII type names are checked by the PII package, which owns them (cspersona.pii.settings).
    pii_entities: list[str] | None = Field(
        default=None,
        description="PII types to detect (JSON list); every supported type by default.",
    )
    pii_operators: dict[str, PiiOperatorName] = Field(
        default_factory=dict,
        description="Operator per PII type (JSON object); types left out keep their default.",
    )
    pii_contact_fields: Literal["pseudonymize", "keep"] = Field(
        default="pseudonymize",
        description="Whether contacts' own name, e-mail and phone are stored pseudonymised.",
    )
    ingest_batch_size: int = Field(
        default=2000, ge=1, le=100_000, description="Records per all-or-nothing import batch."
    )
    ingest_near_duplicate_threshold: float = Field(
        default=0.9,
        gt=0,
        le=1,
        description="Estimated Jaccard similarity at which a conversation counts as a duplicate.",
    )
    ingest_max_field_chars: int = Field(
        default=100_000, ge=1000, description="Longest text field an import accepts."
    )
    ingest_timezone: str = Field(
        default="UTC", description="Time zone of imported timestamps that carry none."
    )
    ingest_workers: int = Field(
        default=0,
        ge=0,
        le=64,
        description="Processes that anonymise text during imports; 0 means one per CPU core "
        "(at most 4), 1 means no extra process.",
    )
    ingest_dayfirst: bool = Field(
        default=False, description="Read ambiguous dates such as 04/03/2025 as day first."
    )
    as_of: datetime | None = Field(
        default=None,
        description=(
            "Compute analytics snapshots as of this moment, from data before it only "
            "(ISO date or datetime, UTC if no zone); unset means all data."
        ),
    )

    @field_validator("as_of")
    @classmethod
    def _as_of_in_utc(cls, value: datetime | None) -> datetime | None:
        return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)

    nlp_sentiment_backend: Literal["linear", "vader", "transformers"] = Field(
        default="linear",
        description="Sentiment analyser: the packaged linear model, VADER, or a Hugging Face "
        "model (`transformers` extra).",
    )
    nlp_transformers_model: str = Field(
        default="cardiffnlp/twitter-roberta-base-sentiment-latest",
        description="Model name or local folder the `transformers` sentiment backend loads.",
    )
    nlp_spacy_model: str = Field(
        default="",
        description="An installed spaCy pipeline (e.g. `en_core_web_sm`) whose named entities "
        "join the catalogue rules; empty means a blank English pipeline.",
    )
    nlp_languages: list[str] = Field(
        default=["en", "es", "de", "fr", "pt"],
        min_length=1,
        description="ISO 639-1 codes language detection chooses among (JSON list).",
    )
    nlp_default_language: str = Field(
        default="en", description="Language assumed for texts too short to detect."
    )
    churn_high_risk_share: float = Field(
        default=0.10,
        ge=0,
        le=1,
        description="Share of scored customers, riskiest first, in the high risk tier; each "
        "gets interventions with their reasons.",
    )
    churn_elevated_risk_share: float = Field(
        default=0.20,
        ge=0,
        le=1,
        description="Share of scored customers in the elevated tier, after the high tier.",
    )
    persona_switch_margin: float = Field(
        default=0.10,
        ge=0,
        le=1,
        description="How much more probable another persona must be than a customer's current "
        "one before a pipeline run switches them (stops customers at a boundary flipping).",
    )
    persona_refit_switch_share: float = Field(
        default=0.10,
        gt=0,
        le=1,
        description="Share of customers whose best persona changed at which a pipeline run "
        "refits the personas.",
    )
    persona_refit_centroid_shift: float = Field(
        default=0.35,
        gt=0,
        description="How far a persona's members may drift from its stored centre, as a share "
        "of its radius, before a pipeline run refits the personas.",
    )
    persona_refit_fit_drop: float = Field(
        default=0.10,
        gt=0,
        le=1,
        description="Drop in the customers' mean confidence since the build at which a pipeline "
        "run refits the personas.",
    )
    nlp_batch_size: int = Field(
        default=2000, ge=1, le=100_000, description="Messages analysed and stored per batch."
    )
    nlp_workers: int = Field(
        default=0,
        ge=0,
        le=64,
        description="Processes that share each large batch of NLP analysis; 0 means one per CPU "
        "core (at most 4), 1 means analyse in the calling process. Each worker loads its own "
        "copy of the models.",
    )
    topics_backend: Literal["words", "static", "tfidf", "embeddings"] = Field(
        default="words",
        description="Topic discovery's text representation: TF-IDF of the content words with "
        "LSA, packaged static MiniLM word-piece vectors, TF-IDF of words and characters with "
        "LSA, or full MiniLM sentence embeddings (`embeddings` extra).",
    )

    llm_provider: Literal["offline", "openai", "local", "anthropic"] = Field(
        default="offline",
        description="Who writes persona replies and narratives: the built-in offline engine, any "
        "OpenAI-compatible endpoint (OpenAI, Azure OpenAI, LM Studio), a model server of your own "
        "(`local`: Ollama, llama.cpp's llama-server, vLLM) or Anthropic. All but the offline "
        "engine need `pip install cspersona[llm]`.",
    )
    llm_base_url: str | None = Field(
        default=None,
        description="Endpoint of the LLM provider, e.g. `http://localhost:11434/v1` for Ollama; "
        "required for `local`; empty means the provider's public API.",
    )
    llm_model: str | None = Field(
        default=None, description="Model name the provider serves; required unless offline."
    )
    llm_api_key: SecretStr | None = Field(
        default=None, description="Key for the LLM provider (local servers accept any value)."
    )
    llm_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        le=600,
        description="Seconds one LLM request may take; unset, 30, or 300 for a `local` server, "
        "which may run on a CPU.",
    )
    llm_max_retries: int = Field(
        default=2,
        ge=0,
        le=10,
        description="Retries, with exponential backoff, after a timeout, a rate limit or a "
        "server error.",
    )
    llm_input_cost_per_million: float | None = Field(
        default=None,
        ge=0,
        description="Price in USD of one million prompt tokens, for cost logs; unset means "
        "unknown, or 0 for a `local` server.",
    )
    llm_output_cost_per_million: float | None = Field(
        default=None,
        ge=0,
        description="Price in USD of one million completion tokens; unset means unknown, or 0 "
        "for a `local` server.",
    )
    llm_fallback: Literal["offline", "none"] = Field(
        default="offline",
        description="What answers when the LLM provider fails: the offline engine, or nothing "
        "(the error is shown).",
    )
    chat_prompt_token_budget: int = Field(
        default=1200,
        ge=300,
        le=100_000,
        description="Most tokens the persona prompt sent to an LLM may take (instructions, member "
        "quotes, conversation so far); quotes, then the oldest turns, are left out to fit. The "
        "default leaves room for the reply in a 2,048-token context.",
    )
    chat_retrieval: Literal["tfidf", "embeddings"] = Field(
        default="tfidf",
        description="How persona chat finds member messages to ground replies in: TF-IDF, or "
        "sentence embeddings (`pip install cspersona[embeddings]`).",
    )
    roi_hourly_rate: float = Field(
        default=85.0,
        ge=0,
        description="Loaded cost of one CSM hour in USD (salary, benefits, overhead), for the "
        "cost and ROI of interventions.",
    )
    roi_tool_cost_per_month: float = Field(
        default=0.0,
        ge=0,
        description="What the customer-success tooling costs per month in USD, added to the "
        "CSM time in ROI figures.",
    )

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        if not value:
            return value
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(
                f"{value!r} is not a database URL; expected e.g. "
                "sqlite:///data/cspersona.db or postgresql://postgres@127.0.0.1:5432/cspersona"
            ) from None
        if url.get_backend_name() not in {"sqlite", "postgresql"}:
            raise ValueError(
                f"database {url.get_backend_name()!r} is not supported; use sqlite or postgresql"
            )
        return value

    @field_validator("ingest_timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{value!r} is not a time zone; use e.g. UTC or Europe/Paris"
            ) from None
        return value

    @model_validator(mode="after")
    def _require_llm_model(self) -> Self:
        if self.llm_provider != "offline" and not self.llm_model:
            raise ValueError(
                f"llm_provider {self.llm_provider!r} needs CSPERSONA_LLM_MODEL, the model to ask"
            )
        return self

    @model_validator(mode="after")
    def _local_server_defaults(self) -> Self:
        """A local server needs its address; it costs nothing and may answer slowly on a CPU."""
        if self.llm_provider != "local":
            return self
        if not self.llm_base_url:
            raise ValueError(
                "llm_provider 'local' needs CSPERSONA_LLM_BASE_URL, the address of your model "
                "server: http://localhost:11434/v1 for Ollama, http://localhost:8080/v1 for "
                "llama.cpp's llama-server, http://localhost:8000/v1 for vLLM"
            )
        if "llm_timeout_seconds" not in self.model_fields_set:
            self.llm_timeout_seconds = LOCAL_TIMEOUT_SECONDS
        if self.llm_input_cost_per_million is None:
            self.llm_input_cost_per_million = 0.0
        if self.llm_output_cost_per_million is None:
            self.llm_output_cost_per_million = 0.0
        return self

    @model_validator(mode="after")
    def _refuse_unsafe_production_values(self) -> Self:
        if self.environment == "production" and self.secret_key == DEFAULT_SECRET_KEY:
            raise ValueError(
                "CSPERSONA_SECRET_KEY is the built-in default; set it to a long random value "
                f"(e.g. {secrets.token_urlsafe(32)}) before running in production"
            )
        return self

    @property
    def sqlalchemy_url(self) -> str:
        """The URL the engine uses: the SQLite default, and psycopg 3 for plain PostgreSQL URLs."""
        if not self.database_url:
            return f"sqlite:///{self.data_dir / 'cspersona.db'}"
        url = make_url(self.database_url)
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        return url.render_as_string(hide_password=False)


# Processes a "0 means automatic" setting gives: one per core, as few as a laptop wants.
MAX_AUTOMATIC_PROCESSES = 4


def process_count(configured: int) -> int:
    """``configured`` processes, or one per CPU core (at most 4) when it is 0."""
    return configured or min(os.cpu_count() or 1, MAX_AUTOMATIC_PROCESSES)


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning a validation failure into a one-line :class:`ConfigError`."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "settings"
        variable = f"CSPERSONA_{field.upper()}" if first["loc"] else "settings"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{variable}: {message}") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return load_settings()
