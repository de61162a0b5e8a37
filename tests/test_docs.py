"""The docs tell the truth: every setting, command and route is documented."""

import re
from pathlib import Path

import pytest
from fastapi.routing import APIRoute

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

    for route in app.routes:
        if isinstance(route, APIRoute) and route.include_in_schema:
            for method in route.methods - {"HEAD"}:
                assert (method, route.path) in documented, f"{method} {route.path} is undocumented"
