"""``cspersona personas``: build, list, show, export, explain, assign personas; their switches."""

import json
import sys
from enum import StrEnum
from typing import TYPE_CHECKING

import typer

from cspersona.config import get_settings
from cspersona.console.database import database_session
from cspersona.console.errors import DomainErrorGroup
from cspersona.console.output import console, print_rows
from cspersona.spreadsheets import write_csv

if TYPE_CHECKING:
    from cspersona.personas.profile_schema import PersonaFidelity
    from cspersona.personas.schemas import PersonaSummary, SwitchEntry

# The persona service and model load pandas and scikit-learn: commands import them when they
# run, so that `cspersona --help` starts fast.

app = typer.Typer(
    cls=DomainErrorGroup,
    help="Personas: build them from customer features, read, shape, export and explain them.",
    no_args_is_help=True,
)


class ExportFormat(StrEnum):
    """Formats ``personas export`` writes."""

    CSV = "csv"
    JSON = "json"


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


@app.command()
def build(
    n_personas: int | None = typer.Option(
        None, "--k", min=2, max=10, help="A fixed number of personas (default: chosen from 2-10)."
    ),
    clusterer: str = typer.Option("kmeans", help="One of kmeans, gmm, hdbscan."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Fit personas on every customer's features and store them with their validation figures.

    A refit keeps persona ids and names by matching new clusters to the old personas.

    Example: cspersona personas build --json
    """
    from cspersona.personas.build import build_personas
    from cspersona.personas.clustering import CLUSTERERS, PersonaModel

    if clusterer not in CLUSTERERS:
        raise typer.BadParameter(f"use one of {', '.join(CLUSTERERS)}", param_hint="--clusterer")
    model = PersonaModel(n_personas=n_personas or "auto", clusterer=clusterer, random_state=0)
    with database_session() as db_session:
        result = build_personas(db_session=db_session, settings=get_settings(), model=model)
    if as_json:
        typer.echo(result.model_dump_json())
        return
    console.print(
        f"{result.model_version}: {result.k} personas for {result.customers} customers in "
        f"{result.seconds:.1f} s (silhouette {result.silhouette}, Davies-Bouldin "
        f"{result.davies_bouldin}, stability {result.stability}); {result.misfits} misfits, "
        f"{result.suggested_personas} suggested new personas, {result.switches} switches"
    )


@app.command()
def assign() -> None:
    """Assign customers the newest persona model has not seen yet, without refitting.

    Example: cspersona personas assign
    """
    from cspersona.personas.assignment import assign_new_customers

    with database_session() as db_session:
        count = assign_new_customers(db_session=db_session, settings=get_settings())
    console.print(f"assigned {count} new customers")


@app.command("list")
def list_personas(
    include_retired: bool = typer.Option(False, help="Also list retired personas."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON lines."),
) -> None:
    """List personas with their size, revenue share and CSM agreement rate.

    Example: cspersona personas list --json
    """
    from cspersona.personas import service

    with database_session() as db_session:
        personas, _ = service.get_all(
            db_session=db_session, limit=1000, include_retired=include_retired
        )
        rates = service.agreement_rates(db_session=db_session)
        rows = [service.summary(persona, rates) for persona in personas]
    columns = {
        "id": lambda row: str(row.id),
        "name": lambda row: row.name,
        "customers": lambda row: str(row.customers),
        "share": lambda row: _percent(row.customer_share),
        "ARR share": lambda row: _percent(row.arr_share),
        "agreement": lambda row: (
            f"{_percent(row.agreement_rate)} of {row.feedback_count}"
            + (" (below target)" if row.below_target else "")
        ),
        "active": lambda row: "yes" if row.active else "retired",
    }
    print_rows(rows, as_json=as_json, columns=columns)


TARGET_WORDS = {"nps": "NPS group", "topic": "top topic", "sentiment": "mood"}


def _print_fidelity(fidelity: "PersonaFidelity | None") -> None:
    """Voice-of-customer fidelity in words: persona against the book and the members' own past."""
    if fidelity is None or not fidelity.members_with_history:
        console.print("Checked against what customers say: not yet (rebuild the personas)")
        return
    console.print(
        f"Checked against what customers say ({fidelity.members_with_history} members with "
        f"enough history): predicted what they said next "
        f"{_percent(fidelity.normalised) or 'an unknown share of'} as well as their own history"
    )
    for item in fidelity.targets:
        console.print(
            f"  {TARGET_WORDS.get(item.target, item.target)}: persona "
            f"{_percent(item.persona_accuracy) or '-'}, whole book "
            f"{_percent(item.book_accuracy) or '-'}, own history "
            f"{_percent(item.self_accuracy) or '-'} ({item.members} members)"
        )


def _print_profile(summary: "PersonaSummary", traits: dict[str, object]) -> None:
    """The human-readable persona page."""
    from cspersona.personas.profile_schema import PersonaProfile

    console.print(f"[bold]{summary.name}[/bold] (persona {summary.id}, v{summary.version})")
    console.print(summary.narrative or "")
    agreement = _percent(summary.agreement_rate) or "no feedback yet"
    flag = ", below the 85% target" if summary.below_target else ""
    console.print(f"CSM agreement: {agreement} ({summary.feedback_count} verdicts{flag})")
    _print_fidelity(PersonaProfile.model_validate(traits).fidelity)
    for key in ("dimensions", "mbti", "top_topics", "pain_points", "triggers", "success_metrics"):
        console.print(f"[bold]{key.replace('_', ' ')}[/bold]: {json.dumps(traits.get(key))}")
    for key in ("vocabulary", "timing"):
        if key in traits:
            console.print(f"[bold]{key}[/bold]: {json.dumps(traits[key])}")


@app.command()
def show(
    persona_id: int = typer.Argument(..., help="The persona's id (see personas list)."),
    industry: str | None = typer.Option(
        None, help="Apply an industry overlay: FinTech, HealthTech or EdTech."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the whole profile as JSON."),
) -> None:
    """Show a persona's profile with its evidence, narrative and CSM agreement rate.

    Example: cspersona personas show 3 --industry FinTech
    """
    from cspersona.personas import edits, service
    from cspersona.personas.overlays import overlays_for

    overlays = overlays_for(get_settings())
    with database_session() as db_session:
        persona = service.get(db_session=db_session, persona_id=persona_id)
        summary = service.summary(persona, service.agreement_rates(db_session=db_session))
        traits = dict(persona.traits)
        history = edits.history(db_session=db_session, persona_id=persona_id)
        industries = overlays.guidance(persona.profile.industries)
    if industry is not None:
        traits = overlays.apply(traits, industry)
    if as_json:
        typer.echo(json.dumps(summary.model_dump() | {"profile": traits}))
        return
    _print_profile(summary, traits)
    for guidance in industries:
        console.print(
            f"[bold]{guidance.industry}[/bold] ({guidance.share:.0%} of members, focus: "
            f"{guidance.focus}): {'; '.join(guidance.pain_points)}"
        )
    if history:
        last = history[0]
        console.print(
            f"Edited by {last.editor} on {last.created_at:%Y-%m-%d} ({len(history)} edits)"
        )


@app.command()
def export(
    export_format: ExportFormat = typer.Option(
        ExportFormat.CSV, "--format", help="csv or json (a JSON array)."
    ),
) -> None:
    """Write every customer's persona to standard output: id, persona id and name, confidence.

    Example: cspersona personas export --format csv > personas.csv
    """
    from cspersona.personas import service

    with database_session() as db_session:
        rows = service.export_rows(db_session=db_session)
    if export_format is ExportFormat.JSON:
        typer.echo(json.dumps(rows))
        return
    header = ["customer_id", "external_id", "persona_id", "persona_name", "confidence", "misfit"]
    write_csv(sys.stdout, header, ([row[column] for column in header] for row in rows))


@app.command()
def explain(
    customer_id: int = typer.Argument(..., help="The customer's id."),
    as_json: bool = typer.Option(False, "--json", help="Print the reasons as JSON."),
) -> None:
    """Explain in plain words why a customer is their persona.

    Example: cspersona personas explain 42
    """
    from cspersona.personas.explain import explain as explain_persona

    with database_session() as db_session:
        explanation = explain_persona(
            db_session=db_session, settings=get_settings(), customer_id=customer_id
        )
    if as_json:
        typer.echo(json.dumps(explanation.model_dump(mode="json")))
        return
    console.print(explanation.explanation)
    if explanation.reasons:
        console.print("What it shares with the persona:")
        for reason in explanation.reasons:
            console.print(f"  - {reason.phrase}")


def _print_switch(entry: "SwitchEntry") -> None:
    """One switch as a CSM reads it: who moved where, what changed, what to do now."""
    owner = f" ({entry.csm_owner})" if entry.csm_owner else ""
    console.print(
        f"[bold]{entry.detected_at:%Y-%m-%d}  {entry.company_name}[/bold]{owner}: "
        f"{entry.from_persona_name} -> {entry.to_persona_name}",
        highlight=False,
    )
    if entry.what_changed:
        console.print("  What changed:", highlight=False)
        for phrase in entry.what_changed:
            console.print(f"    - {phrase}", highlight=False)
    if entry.strategy is not None:
        console.print("  What to do now:", highlight=False)
        for step in entry.strategy.steps:
            console.print(f"    - {step.aspect}: {step.advice}", highlight=False)
        if not entry.strategy.steps:
            console.print(f"    {entry.strategy.summary}", highlight=False)


@app.command()
def switches(
    since: str | None = typer.Option(
        None, help="Only switches detected on or after this ISO date or time (UTC if no zone)."
    ),
    csm: str | None = typer.Option(None, help="Only the customers of this CSM owner."),
    limit: int = typer.Option(20, min=1, max=500, help="Most switches to print."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON lines."),
) -> None:
    """Customers who switched persona, newest first: what changed and what to do now.

    Example: cspersona personas switches --since 2026-11-01 --csm "Dana Scully"
    """
    from cspersona.console.options import parse_as_of
    from cspersona.personas.changes import persona_changes

    moment = parse_as_of(since, option="--since")
    with database_session() as db_session:
        entries, total = persona_changes(
            db_session=db_session, visible_to=None, csm_owner=csm, since=moment, limit=limit
        )
    if as_json:
        for entry in entries:
            typer.echo(entry.model_dump_json())
        return
    if not entries:
        console.print("No persona switches" + (" since then." if since else " yet."))
        return
    for entry in entries:
        _print_switch(entry)
    if total > len(entries):
        console.print(f"{total - len(entries)} more; raise --limit to see them.")


def _print_edit(persona_id: int, done: str) -> None:
    """One line saying what an edit did, and where to read the persona now."""
    console.print(f"{done}; see cspersona personas show {persona_id}")


@app.command()
def rename(
    persona_id: int = typer.Argument(..., help="The persona's id (see personas list)."),
    name: str = typer.Argument(..., help="The new name."),
) -> None:
    """Rename a persona; rebuilds keep the name.

    Example: cspersona personas rename 3 "Compliance Champions"
    """
    from cspersona.personas import edits

    with database_session() as db_session:
        persona = edits.rename(
            db_session=db_session,
            persona_id=persona_id,
            name=name,
            editor=edits.Editor.at_command_line(),
        )
        done = f"persona {persona.id} is now called {persona.name}"
    _print_edit(persona_id, done)


@app.command()
def edit(
    persona_id: int = typer.Argument(..., help="The persona's id (see personas list)."),
    narrative: str = typer.Option(
        ..., "--narrative", help="The new narrative; '-' reads it from standard input."
    ),
) -> None:
    """Replace a persona's narrative; rebuilds keep it instead of writing a new one.

    Example: cspersona personas edit 3 --narrative "They read every audit report."
    """
    from cspersona.personas import edits

    text = sys.stdin.read() if narrative == "-" else narrative
    with database_session() as db_session:
        persona = edits.edit_narrative(
            db_session=db_session,
            persona_id=persona_id,
            narrative=text,
            editor=edits.Editor.at_command_line(),
        )
        done = f"new narrative for {persona.name}"
    _print_edit(persona_id, done)


@app.command()
def merge(
    keep_id: int = typer.Argument(..., help="The persona that stays."),
    merge_id: int = typer.Argument(..., help="The persona whose customers move; it retires."),
) -> None:
    """Merge one persona into another: its customers move, the kept one is profiled again.

    Example: cspersona personas merge 3 5
    """
    from cspersona.personas import edits, shaping

    with database_session() as db_session:
        persona = shaping.merge(
            db_session=db_session,
            settings=get_settings(),
            keep_id=keep_id,
            merge_id=merge_id,
            editor=edits.Editor.at_command_line(),
        )
        done = (
            f"merged persona {merge_id} into {persona.name} ({persona.profile.customers} customers)"
        )
    _print_edit(keep_id, done)


@app.command()
def suggested() -> None:
    """List the personas the newest build suggests: groups of customers no persona fits.

    Example: cspersona personas suggested
    """
    from cspersona.personas import shaping

    with database_session() as db_session:
        drafts = shaping.suggestions(db_session=db_session)
    if not drafts:
        console.print("the newest build suggests no new persona")
    for number, draft in enumerate(drafts, start=1):
        console.print(f"{number}. {draft.get('name')}: {len(draft['customer_ids'])} customers")


@app.command()
def promote(
    number: int = typer.Argument(..., min=1, help="The suggestion's number (see suggested)."),
    name: str | None = typer.Option(None, help="A name (default: the suggestion's own)."),
) -> None:
    """Make a suggested persona a real one: its customers move to it.

    Example: cspersona personas promote 1 --name "Quiet Quentin"
    """
    from cspersona.personas import edits, shaping

    with database_session() as db_session:
        persona = shaping.promote(
            db_session=db_session,
            settings=get_settings(),
            number=number,
            editor=edits.Editor.at_command_line(),
            name=name,
        )
        persona_id, done = (
            persona.id,
            f"suggestion {number} is now persona {persona.id}, {persona.name}",
        )
    _print_edit(persona_id, done)


@app.command()
def create(
    customers: str = typer.Option(
        ..., "--customers", help="Customer ids, separated by commas: 12,40,41."
    ),
    name: str | None = typer.Option(None, help="A name (default: named from its profile)."),
) -> None:
    """Create a persona from chosen customers, profiled from them; they leave their personas.

    Example: cspersona personas create --customers 12,40,41 --name "Hand-Picked Hannah"
    """
    from cspersona.personas import edits, shaping

    try:
        chosen = [int(token) for token in customers.replace(" ", "").split(",") if token]
    except ValueError:
        raise typer.BadParameter(
            "use customer ids separated by commas", param_hint="--customers"
        ) from None
    with database_session() as db_session:
        persona = shaping.create(
            db_session=db_session,
            settings=get_settings(),
            customer_ids=chosen,
            editor=edits.Editor.at_command_line(),
            name=name,
        )
        persona_id = persona.id
        done = f"persona {persona.id}, {persona.name}, holds {len(set(chosen))} customers"
    _print_edit(persona_id, done)
