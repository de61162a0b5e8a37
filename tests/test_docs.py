"""The docs tell the truth: every setting, command and route is documented."""

import re
from pathlib import Path

import pytest

from cspersona.api.app import create_app
from cspersona.config import Settings, load_settings
from tests.support import all_command_paths

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_every_setting_is_documented() -> None:
    text = (DOCS / "configuration.md").read_text()

    for name in Settings.model_fields:
        assert f"`CSPERSONA_{name.upper()}`" in text, f"CSPERSONA_{name.upper()} is undocumented"


@pytest.mark.parametrize("command", all_command_paths(), ids=" ".join)
def test_every_command_is_documented(command: list[str]) -> None:
    assert f"`cspersona {' '.join(command)}" in (DOCS / "cli.md").read_text()


def test_every_route_is_documented() -> None:
    text = (DOCS / "api.md").read_text()
    app = create_app(load_settings(database_url="sqlite://"))
    documented = set(re.findall(r"`(GET|POST|PUT|PATCH|DELETE) (/[^`\s]*)`", text))
    # The OpenAPI schema lists every route of the app, however deeply routers are nested.
    operations = {
        (method.upper(), path)
        for path, methods in app.openapi()["paths"].items()
        for method in methods
    }

    assert operations - documented == set(), "routes missing from docs/api.md"
