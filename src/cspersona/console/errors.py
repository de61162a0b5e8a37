"""A Typer group that turns domain errors into a one-line message and the error's exit code."""

from typing import Any

import typer
from typer.core import TyperGroup

from cspersona.exceptions import CsPersonaError


class DomainErrorGroup(TyperGroup):
    """Catches :class:`CsPersonaError` from any sub-command: no traceback for bad input."""

    # ``ctx`` is typer's vendored click Context, which typer does not export: hence Any.
    def invoke(self, ctx: Any) -> Any:
        """Run the command; report a domain error as ``error: ...`` on stderr and exit 1 or 2."""
        try:
            return super().invoke(ctx)
        except CsPersonaError as error:
            typer.echo(f"error: {error.message}", err=True)
            raise typer.Exit(error.exit_code) from None
