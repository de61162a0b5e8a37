"""``cspersona demo`` on a tiny world: the stages run once, a second run reuses everything."""

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from cspersona.analytics.models import InteractionAnalysis
from cspersona.cli import app
from cspersona.cli import demo as commands
from cspersona.config import get_settings
from cspersona.conversations.models import Interaction
from cspersona.customers.models import Customer
from cspersona.db.engine import make_engine
from cspersona.ingest.models import IngestionRun

runner = CliRunner()


def _counts(data: Path) -> tuple[int, int, int, int]:
    engine = make_engine(f"sqlite:///{data / 'cspersona.db'}")
    with engine.connect() as connection:
        counts = tuple(
            connection.scalar(select(func.count()).select_from(table))
            for table in (Customer, Interaction, IngestionRun, InteractionAnalysis)
        )
    engine.dispose()
    return counts  # type: ignore[return-value]


def test_demo_generates_ingests_once_then_reuses_and_serves(
    isolated_settings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[bool] = []
    monkeypatch.setattr(commands, "serve_command", lambda host, port, workers: served.append(True))
    data = isolated_settings / "data"

    first = runner.invoke(app, ["demo", "--scale", "0.02"])
    after_first = _counts(data)
    second = runner.invoke(app, ["demo", "--scale", "0.02"])

    assert first.exit_code == second.exit_code == 0, first.output
    assert (data / "world" / "manifest.json").exists(), "the world went to files first"
    customers, interactions, imports, analysed = after_first
    assert customers == 5 and interactions > 0 and imports == 1
    assert analysed == interactions, "the pipeline ran after the import"
    assert _counts(data) == after_first, "the second run neither regenerates nor re-imports"
    assert "import 1:" in first.stdout
    assert "reusing" in second.stdout and "imported" in second.stdout
    assert first.stdout.count("csp_") == 1 and "csp_" not in second.stdout
    assert "dashboard: http://127.0.0.1:8000/" in second.stdout
    assert served == [True, True]


def test_demo_without_serving_returns_after_the_stages(
    isolated_settings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        commands, "serve_command", lambda host, port, workers: pytest.fail("served")
    )

    result = runner.invoke(app, ["demo", "--scale", "0.02", "--no-serve"])

    assert result.exit_code == 0, result.output
    assert get_settings().data_dir == isolated_settings / "data"
    assert "ready in" in result.stdout
