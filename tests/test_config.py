from pathlib import Path

import pytest

from cspersona.config import get_settings, load_settings
from cspersona.exceptions import ConfigError


def test_default_database_is_a_sqlite_file_in_the_data_dir(isolated_settings: Path) -> None:
    settings = load_settings()

    assert settings.sqlalchemy_url == f"sqlite:///{isolated_settings / 'data' / 'cspersona.db'}"


def test_environment_variables_use_the_cspersona_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSPERSONA_PORT", "9123")
    monkeypatch.setenv("PORT", "1")

    assert load_settings().port == 9123


def test_dotenv_file_in_the_working_directory_is_read(isolated_settings: Path) -> None:
    (isolated_settings / ".env").write_text("CSPERSONA_LOG_LEVEL=DEBUG\n")

    assert load_settings().log_level == "DEBUG"


@pytest.mark.parametrize(
    ("database_url", "expected"),
    [
        (
            "postgresql://postgres@127.0.0.1:5432/cs",
            "postgresql+psycopg://postgres@127.0.0.1:5432/cs",
        ),
        ("postgresql+psycopg://u:secret@db/cs", "postgresql+psycopg://u:secret@db/cs"),
        ("sqlite:////var/lib/cs.db", "sqlite:////var/lib/cs.db"),
    ],
)
def test_database_url_switches_backend_without_code_change(
    monkeypatch: pytest.MonkeyPatch, database_url: str, expected: str
) -> None:
    monkeypatch.setenv("CSPERSONA_DATABASE_URL", database_url)

    assert load_settings().sqlalchemy_url == expected


@pytest.mark.parametrize(
    ("database_url", "message"),
    [
        ("not a url", "is not a database URL"),
        ("mysql://root@localhost/cs", "'mysql' is not supported"),
    ],
)
def test_malformed_database_url_is_a_one_line_config_error(
    monkeypatch: pytest.MonkeyPatch, database_url: str, message: str
) -> None:
    monkeypatch.setenv("CSPERSONA_DATABASE_URL", database_url)

    with pytest.raises(ConfigError) as raised:
        load_settings()

    assert raised.value.message.startswith("CSPERSONA_DATABASE_URL: ")
    assert message in raised.value.message
    assert "\n" not in raised.value.message


def test_production_refuses_the_default_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSPERSONA_ENVIRONMENT", "production")

    with pytest.raises(ConfigError, match="CSPERSONA_SECRET_KEY is the built-in default"):
        load_settings()

    monkeypatch.setenv("CSPERSONA_SECRET_KEY", "a-long-random-production-secret")
    assert load_settings().environment == "production"


def test_get_settings_reads_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    first = get_settings()
    monkeypatch.setenv("CSPERSONA_PORT", "9999")

    assert get_settings() is first


def test_a_local_model_server_needs_its_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSPERSONA_LLM_PROVIDER", "local")
    monkeypatch.setenv("CSPERSONA_LLM_MODEL", "llama3.1")

    with pytest.raises(ConfigError) as raised:
        load_settings()

    assert "needs CSPERSONA_LLM_BASE_URL" in raised.value.message
    for address in ("localhost:11434/v1", "localhost:8080/v1", "localhost:8000/v1"):
        assert address in raised.value.message


def test_a_local_model_server_is_free_and_given_time_to_answer_on_a_cpu(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CSPERSONA_LLM_PROVIDER", "local")
    monkeypatch.setenv("CSPERSONA_LLM_MODEL", "llama3.1")
    monkeypatch.setenv("CSPERSONA_LLM_BASE_URL", "http://localhost:11434/v1")

    local = load_settings()
    hosted = load_settings(llm_provider="openai")

    assert (local.llm_timeout_seconds, hosted.llm_timeout_seconds) == (300, 30)
    assert (local.llm_input_cost_per_million, local.llm_output_cost_per_million) == (0, 0)
    assert hosted.llm_input_cost_per_million is None  # a hosted API's price is not guessed


def test_a_local_model_server_keeps_the_timeout_and_prices_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CSPERSONA_LLM_PROVIDER", "local")
    monkeypatch.setenv("CSPERSONA_LLM_MODEL", "llama3.1")
    monkeypatch.setenv("CSPERSONA_LLM_BASE_URL", "http://gpu-box:8000/v1")
    monkeypatch.setenv("CSPERSONA_LLM_TIMEOUT_SECONDS", "45")
    monkeypatch.setenv("CSPERSONA_LLM_INPUT_COST_PER_MILLION", "0.05")

    settings = load_settings()

    assert settings.llm_timeout_seconds == 45
    assert settings.llm_input_cost_per_million == 0.05
