"""``cspersona customers list`` and ``show``: the book, and one customer's status and signals.

The group reads the customer list (persona and churn risk) and the analytics stage's summary, so
it lives with the entry points, not in the ``customers`` domain package below them.
"""

import json
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from cspersona.console.database import database_session
from cspersona.console.errors import DomainErrorGroup
from cspersona.console.options import parse_as_of
from cspersona.console.output import console, print_rows
from cspersona.customers.schemas import CustomerSort, CustomerStatus, SortOrder, StatusRead

if TYPE_CHECKING:
    from cspersona.analytics.schemas import CustomerSummary, Evidence
    from cspersona.reports.schemas import CustomerListItem

app = typer.Typer(
    cls=DomainErrorGroup,
    help="List customers with status, persona and risk; look at one customer's signals.",
    no_args_is_help=True,
)


@app.command("list")
def list_customers(
    sort: CustomerSort = typer.Option(CustomerSort.COMPANY_NAME, help="Column to sort by."),
    order: SortOrder = typer.Option(SortOrder.ASC, help="Sort direction."),
    status: CustomerStatus | None = typer.Option(None, help="Only customers with this status."),
    limit: int = typer.Option(50, min=1, max=10_000, help="How many customers to print."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON lines."),
) -> None:
    """List customers with status (at the data's latest day), persona and 90-day risk tier.

    Example: cspersona customers list --sort risk_90d --order desc --limit 20
    """
    from cspersona.reports import customer_list
    from cspersona.reports.schemas import CustomerListFilters

    with database_session() as db_session:
        rows, total = customer_list.get_all(
            db_session=db_session,
            limit=limit,
            offset=0,
            filters=CustomerListFilters(status=status),
            sort=sort,
            order=order,
        )
    columns: dict[str, Callable[[CustomerListItem], str]] = {
        "id": lambda row: str(row.id),
        "company": lambda row: row.company_name,
        "status": lambda row: describe_status(row.status),
        "persona": lambda row: row.persona or "-",
        "90-day risk": lambda row: _risk(row),
        "ARR": lambda row: "-" if row.arr is None else f"${row.arr:,.0f}",
        "renewal": lambda row: row.renewal_date.isoformat() if row.renewal_date else "-",
    }
    print_rows(rows, as_json=as_json, columns=columns)
    if not as_json:
        as_of = rows[0].status.as_of if rows and rows[0].status else None
        console.print(
            f"{len(rows)} of {total} customers; status at the data's latest day, {_day(as_of)}"
        )


def _risk(row: "CustomerListItem") -> str:
    if row.risk_tier_90d is None or row.churn_probability_90d is None:
        return "-"
    return f"{row.risk_tier_90d} ({row.churn_probability_90d:.0%})"


def describe_status(status: StatusRead | None) -> str:
    """A status as a CSM reads it: "churned on 2025-09-12", "renewing soon, in 31 days"."""
    if status is None:
        return "-"
    if status.churned_on is not None:
        return f"churned on {status.churned_on.isoformat()}"
    if status.renewal_in_days is not None:
        return f"{status.status}, in {status.renewal_in_days} days"
    return str(status.status)


def _day(value: date | None) -> str:
    return "-" if value is None else value.isoformat()


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
    from cspersona.customers import service as customers_service
    from cspersona.customers.status import statuses

    moment = parse_as_of(as_of)
    with database_session() as db_session:
        summary = service.customer_summary(
            db_session=db_session, customer_id=customer_id, as_of=moment
        )
        customer = customers_service.get(db_session=db_session, customer_id=customer_id)
        status = statuses(db_session=db_session, customers=[customer])[customer_id]
    if as_json:
        document = summary.model_dump(mode="json") | {"status": status.model_dump(mode="json")}
        typer.echo(json.dumps(document, indent=2))
        return
    print_summary(summary, status, as_of_given=moment is not None)


def print_summary(summary: "CustomerSummary", status: StatusRead, *, as_of_given: bool) -> None:
    """The summary as terminal tables, every figure in words (the analytics glossary).

    A churned customer's live signals are left out.
    """
    from cspersona.analytics.glossary import channel_name
    from cspersona.analytics.glossary import describe as in_words
    from cspersona.catalogue.models import load_catalogue
    from cspersona.config import get_settings

    console.print(f"[bold]{summary.company_name}[/bold] (customer {summary.customer_id})")
    console.print(
        f"[bold]Status:[/bold] {describe_status(status)}"
        f" (at the data's latest day, {_day(status.as_of)})"
    )
    if as_of_given:
        console.print(f"Described from the data before {summary.as_of.date().isoformat()}.")
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
    if status.churned_on is not None:
        console.print(f"Churned on {status.churned_on.isoformat()}: no live churn signals.")
        return
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
