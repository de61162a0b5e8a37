"""``cspersona report executive``: the ROI report for a quarter or a month, as PDF or HTML.

The report reads the ROI figures and every stage they rest on, so the group lives with the entry
points, not in ``reports`` below them.
"""

from datetime import UTC, datetime
from pathlib import Path

import typer

from cspersona.config import get_settings
from cspersona.console.database import database_session
from cspersona.console.errors import DomainErrorGroup
from cspersona.console.output import console
from cspersona.exceptions import BadInput

FORMATS = (".pdf", ".html")

app = typer.Typer(
    cls=DomainErrorGroup,
    help="Reports to hand on: the executive ROI report.",
    no_args_is_help=True,
)


@app.command("executive")
def executive(
    out: Path = typer.Option(..., "--out", help="Where to write it: a .pdf or an .html file."),
    period: str | None = typer.Option(
        None,
        help="A quarter (2025-Q3) or a month (2025-09); default: the data's last complete quarter.",
    ),
) -> None:
    """Write the executive ROI report: saved ARR, cost and ROI, retention, effects, revenue.

    Example: cspersona report executive --period 2025-Q3 --out report.pdf
    """
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise BadInput(f"--out must end in .pdf or .html, not {out.name!r}")
    from cspersona.reports import executive as report

    with database_session() as db_session:
        chosen = report.period_of(db_session, period)
        summary = report.summary_for(
            db_session, period=chosen, settings=get_settings(), principal=None
        )
    html = report.report_html(summary, generated_on=datetime.now(UTC).date())
    if suffix == ".pdf":
        out.write_bytes(report.report_pdf(html))
    else:
        out.write_text(html, encoding="utf-8")
    console.print(f"Wrote the {chosen.label} ROI report to {out}")
