"""The ``cspersona`` command line: one sub-command group per pipeline stage."""

from cspersona.cli.root import app, main

__all__ = ["app", "main"]
