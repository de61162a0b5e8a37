"""Helpers several test modules share (fixtures live in conftest.py)."""

from typer.main import get_command

from cspersona.cli import app


def all_command_paths() -> list[list[str]]:
    """Every leaf command of the CLI as its words, e.g. ``["db", "upgrade"]``."""
    paths: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        children = getattr(command, "commands", None)
        if children:
            for name, child in children.items():
                walk(child, [*path, name])
        else:
            paths.append(path)

    walk(get_command(app), [])
    return paths
