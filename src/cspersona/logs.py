"""Logging set-up shared by the CLI and the server it starts."""

import logging

# Libraries that narrate routine work at INFO; their warnings still show.
QUIET_LOGGERS = ("alembic", "fontTools", "weasyprint")


def configure_logging(level: str) -> None:
    """One format for every logger, at ``level``, with chatty libraries held to warnings."""
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
