"""Logging: one format, with libraries that narrate routine work held to warnings."""

import logging

from cspersona.logs import configure_logging


def test_pdf_printing_does_not_narrate_each_step_at_info() -> None:
    configure_logging("INFO")

    progress = logging.getLogger("weasyprint.progress")
    assert progress.getEffectiveLevel() == logging.WARNING
    assert not progress.isEnabledFor(logging.INFO)
