"""``cspersona customers show``: one customer's patterns, segment and churn signals.

The group reads the analytics stage's summary, so it lives with the entry points, not in the
``customers`` domain package below analytics.
"""

from typing import TYPE_CHECKING

import typer
from rich.table import Table

from cspersona.console.database import database_session
from cspersona.console.errors import DomainErrorGroup
from cspersona.console.options import parse_as_of
from cspersona.console.output import console

if TYPE_CHECKING:
    from cspersona.analytics.schemas import CustomerSummary, Evidence

app = typer.Typer(
    cls=DomainErrorGroup,
    help="Look at one customer: communication patterns, segment and churn signals.",
    no_args_is_help=True,
)


@app.command("show")
def show(
    customer_id: int = typer.Argument(..., help="The customer's id (as in /api/customers)."),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Describe the customer as of this ISO date (data before it only)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Print a readable summary of one customer: patterns, segment and churn signals.

    Example: cspersona customers show 42 --as-of 2025-06-01
    """
    from cspersona.analytics import service  # pandas: loaded when the command runs

    with database_session() as db_session:
        summary = service.customer_summary(
            db_session=db_session, customer_id=customer_id, as_of=parse_as_of(as_of)
        )
    if as_json:
        typer.echo(summary.model_dump_json(indent=2))
        return
    print_summary(summary)


def print_summary(summary: "CustomerSummary") -> None:
    """The summary as terminal tables, every figure in words (the analytics glossary)."""
    from cspersona.analytics.glossary import channel_name
    from cspersona.analytics.glossary import describe as in_words
    from cspersona.catalogue.models import load_catalogue
    from cspersona.config import get_settings

    when = summary.as_of.date().isoformat()
    console.print(
        f"[bold]{summary.company_name}[/bold] (customer {summary.customer_id}, as of {when})"
    )
    patterns = Table("what the data says", title="Communication and usage")
    for name, value in summary.patterns.items():
        if isinstance(value, float):
            patterns.add_row(in_words(name, value))
        elif value is not None:
            patterns.add_row(f"{name.replace('_', ' ')}: {channel_name(value)}")
    console.print(patterns)
    segment = summary.segment
    console.print(f"[bold]Engagement:[/bold] {segment.engagement} ({segment.engagement_reason})")
    console.print(f"[bold]Support:[/bold] {segment.support_pattern}")
    if segment.repeat_topics:
        console.print(f"[bold]Repeat topics:[/bold] {', '.join(segment.repeat_topics)}")
    catalogue = load_catalogue(get_settings().catalogue_path)
    feature_names = {feature.key: feature.name for feature in catalogue.features}
    adoption = Table("feature", "days to adopt", "share of use", title="Feature adoption")
    for entry in segment.adoption:
        adoption.add_row(
            feature_names.get(entry.feature, entry.feature.replace("_", " ")),
            "never" if entry.days_to_adopt is None else f"{entry.days_to_adopt:.0f}",
            "-" if entry.share_of_use is None else f"{entry.share_of_use:.0%}",
        )
    console.print(adoption)
    signals = Table("signal", "raised", "strength", "summary", "evidence", title="Churn signals")
    for signal in summary.signals:
        evidence = "\n".join(describe(item) for item in signal.evidence[:3])
        signals.add_row(
            signal.name.replace("_", " "),
            "[red]yes[/red]" if signal.raised else "no",
            f"{signal.strength:.2f}",
            signal.summary,
            evidence,
        )
    console.print(signals)


def describe(item: "Evidence") -> str:
    """One line of evidence: what, how much, when, and the words."""
    parts = [item.label]
    if item.value is not None and f"{item.value:g}" not in item.label:
        parts.append(f"{item.value:g}")
    if item.at is not None:
        parts.append(f"{'opened' if item.kind == 'ticket' else 'on'} {item.at.date().isoformat()}")
    if item.text:
        parts.append(f'"{item.text}"')
    return " ".join(parts)
