"""``cspersona playbooks ...`` and ``cspersona tasks ...``.

The command line is an operator's tool: it sees every book, and acts as the ``cli`` user.
"""

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cspersona.auth.models import Role
from cspersona.auth.policy import Principal
from cspersona.console.database import database_session
from cspersona.console.errors import DomainErrorGroup
from cspersona.console.output import console, print_rows
from cspersona.playbooks.clock import work_clock, work_day
from cspersona.playbooks.rendering import missing_words
from cspersona.playbooks.wording import day_words

if TYPE_CHECKING:
    from cspersona.playbooks.experiment import Experiment
    from cspersona.playbooks.schemas import PlaybookRead, TaskDetailRead
    from cspersona.playbooks.tracking import MetricSeries

CHANNEL_WORDS = {
    "email": "E-mail",
    "call": "Talk track",
    "meeting": "Meeting agenda",
    "in_app": "In-app message",
    "internal": "Internal note",
}
SOURCE_WORDS = {"manual": "written by hand", "template": "generated", "llm": "written by the LLM"}
OPERATOR = Principal(user_id=0, user_name="cli", role=Role.ADMIN, csm_owner=None, key_id=0)

playbooks_app = typer.Typer(
    cls=DomainErrorGroup,
    help="Playbooks: what to do about customers who enter them, step by step.",
    no_args_is_help=True,
)
tasks_app = typer.Typer(
    cls=DomainErrorGroup,
    help="Tasks that playbooks create: the CSM's work queue.",
    no_args_is_help=True,
)


@playbooks_app.command("list")
def list_playbooks(as_json: bool = typer.Option(False, "--json", help="Print JSON lines.")) -> None:
    """List playbooks: what starts each, its steps, and how many customers are in it now.

    Example: cspersona playbooks list --json
    """
    from cspersona.playbooks import service
    from cspersona.playbooks.schemas import PlaybookSummary

    with database_session() as db_session:
        counts = service.customers_in(db_session=db_session)
        rows = [
            PlaybookSummary.of(playbook, customers_in=counts.get(playbook.id, 0))
            for playbook in service.get_all(db_session=db_session)
        ]
    columns = {
        "id": lambda row: str(row.id),
        "name": lambda row: row.name,
        "status": lambda row: row.status.value,
        "starts when": lambda row: row.trigger,
        "steps": lambda row: str(row.steps),
        "held back": lambda row: f"{row.control_share:.0%}",
        "customers in": lambda row: str(row.customers_in),
    }
    if not rows and not as_json:
        console.print(
            "No playbooks yet: run cspersona playbooks generate, or write one and run "
            "cspersona playbooks create --file playbook.yaml"
        )
        return
    print_rows(rows, as_json=as_json, columns=columns)


@playbooks_app.command("generate")
def generate_playbooks(
    persona: list[int] | None = typer.Option(
        None, "--persona", help="Only this persona id (repeat for more); default: every one."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON lines."),
) -> None:
    """Generate each active persona's playbooks from its evidence; analysts' edits are kept.

    Example: cspersona playbooks generate --persona 3 --persona 5
    """
    from cspersona.config import get_settings
    from cspersona.llm.factory import client_from_settings
    from cspersona.playbooks.generation import generate

    settings = get_settings()
    with database_session() as db_session:
        report = generate(
            db_session,
            by=OPERATOR.user_name,
            persona_ids=persona or None,
            llm=client_from_settings(settings, db_session=db_session),
            settings=settings,
        )
    columns = {
        "id": lambda row: str(row.playbook_id or ""),
        "playbook (persona: purpose)": lambda row: row.name,
        "action": lambda row: row.action,
        "written by": lambda row: row.source,
        "evidence": lambda row: str(row.evidence),
        "note": lambda row: row.note,
    }
    print_rows(report.playbooks, as_json=as_json, columns=columns)


@tasks_app.command("list")
def list_tasks(
    owner: str | None = typer.Option(None, help="Only tasks this user owns."),
    playbook: int | None = typer.Option(None, help="Only tasks of this playbook id."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON lines."),
) -> None:
    """List open and snoozed tasks, soonest due first, riskiest customer first on a day.

    Example: cspersona tasks list --owner dana
    """
    from cspersona.playbooks.queue import queue
    from cspersona.playbooks.schemas import TaskRead

    with database_session() as db_session:
        today = work_day(db_session)
        rows = [
            TaskRead.of(row, today=today)
            for row in queue(db_session, visible_to=OPERATOR, owner=owner, playbook_id=playbook)
        ]
    columns = {
        "id": lambda row: str(row.id),
        "due": lambda row: row.due_on.isoformat() + (" (overdue)" if row.overdue else ""),
        "customer": lambda row: row.company_name,
        "risk": lambda row: row.risk_tier or "not scored",
        "task": lambda row: row.title,
        "playbook": lambda row: row.playbook_name,
        "owner": lambda row: row.owner,
        "status": lambda row: row.status.value,
    }
    if not rows and not as_json:
        console.print(
            "No open or snoozed tasks" + (f" for {owner}" if owner else "") + ": "
            "nothing to do until a playbook enters a customer."
        )
        return
    print_rows(rows, as_json=as_json, columns=columns)


@playbooks_app.command("show")
def show_playbook(
    playbook_id: int = typer.Argument(..., help="The playbook's id (see playbooks list)."),
    as_json: bool = typer.Option(False, "--json", help="Print the playbook as JSON."),
) -> None:
    """Show a playbook in words: trigger, criteria, steps with templates, escalation, evidence.

    Example: cspersona playbooks show 3
    """
    from sqlalchemy import select

    from cspersona.personas.models import Persona
    from cspersona.playbooks import service
    from cspersona.playbooks.schemas import PlaybookRead

    with database_session() as db_session:
        playbook = PlaybookRead.of(service.get(db_session=db_session, playbook_id=playbook_id))
        personas = db_session.execute(
            select(Persona.id, Persona.name).where(Persona.id.in_(playbook.persona_ids))
        ).all()
        customers_in = service.customers_in(db_session=db_session).get(playbook_id, 0)
    if as_json:
        typer.echo(playbook.model_dump_json())
        return
    _print_playbook(playbook, {row.id: row.name for row in personas}, customers_in)


def _print_playbook(
    playbook: "PlaybookRead", persona_names: dict[int, str], customers_in: int
) -> None:
    """A playbook as a CSM reads it."""
    from cspersona.playbooks.definition import SUCCESS_METRIC_WORDS
    from cspersona.playbooks.wording import (
        criterion_words,
        escalation_words,
        kind_words,
        owner_words,
        reentry_words,
    )

    changed = f"changed by {playbook.updated_by} on " if playbook.updated_by else "changed on "
    source = SOURCE_WORDS.get(playbook.source, playbook.source)
    console.print(
        f"[bold]{playbook.name}[/bold] (id {playbook.id}, {playbook.status}, {source}; "
        f"{changed}{day_words(playbook.updated_at.date())})"
    )
    if playbook.objective:
        console.print(f"Objective: {playbook.objective}")
    personas = [
        f"{persona_names.get(pid, 'a persona that no longer exists')} (id {pid})"
        for pid in playbook.persona_ids
    ]
    console.print(f"For: {', '.join(personas) if personas else 'customers of every persona'}")
    console.print(f"Starts when {playbook.trigger.describe()}.")
    for label, criteria, joiner in (
        ("Enters only when", playbook.criteria.entry, " and "),
        ("Leaves when", playbook.criteria.exit, " or "),
    ):
        if criteria:
            said = joiner.join(criterion_words(criterion, persona_names) for criterion in criteria)
            console.print(f"{label} {said}.")
    console.print(f"Takes a customer {reentry_words(playbook.reentry)}.")
    holding = {0: "no customer in it now", 1: "1 customer in it now"}.get(
        customers_in, f"{customers_in} customers in it now"
    )
    console.print(
        f"Holds back {playbook.control_share:.0%} of the customers who enter, to measure it; "
        f"{holding}."
    )
    console.print("\n[bold]Steps[/bold]")
    for number, step in enumerate(playbook.steps, start=1):
        console.print(
            f"{number}. Day {step.due_days}: {kind_words(step.kind.value)}, {step.title} "
            f"(by {owner_words(step.owner)})"
        )
        if step.instructions:
            console.print(f"   {step.instructions}", highlight=False)
        for template in step.templates:
            subject = f", subject: {template.subject}" if template.subject else ""
            console.print(f"   Template for {template.channel}{subject}", highlight=False)
            for line in template.body.splitlines():
                console.print(f"     | {line}", markup=False, highlight=False, soft_wrap=True)
    console.print("\n[bold]Escalation[/bold]")
    for line in escalation_words(playbook.escalation):
        console.print(line)
    console.print("\n[bold]Success[/bold]")
    if not playbook.success:
        console.print("No success criteria: churn is read over 90 days after entry.")
    for criterion in playbook.success:
        target = (
            f"{criterion.target:g}"
            if criterion.metric in ("nps", "active_users")
            else f"{criterion.target:.0%}"
        )
        console.print(
            f"Target: {SUCCESS_METRIC_WORDS[criterion.metric]} {target} within "
            f"{criterion.window_days} days of entry."
        )
    if playbook.evidence:
        console.print("\n[bold]Evidence[/bold]")
        for item in playbook.evidence:
            console.print(f"- {item.text} ({item.source.replace('_', ' ')})", highlight=False)


@playbooks_app.command("create")
def create_playbook(
    file: Path = typer.Option(..., "--file", help="A playbook in YAML or JSON."),
    draft: bool = typer.Option(False, "--draft", help="Keep it as a draft: it enters nobody."),
) -> None:
    """Create a playbook from a YAML or JSON file; errors name the field at fault.

    Example: cspersona playbooks create --file save-the-renewal.yaml
    """
    from cspersona.playbooks import service
    from cspersona.playbooks.files import read_definition
    from cspersona.playbooks.models import PlaybookStatus

    definition = read_definition(file)
    status = PlaybookStatus.DRAFT if draft else PlaybookStatus.ACTIVE
    with database_session() as db_session:
        playbook = service.create(
            db_session=db_session, definition=definition, by=OPERATOR.user_name, status=status
        )
        identifier = playbook.id
    typer.echo(f"Created playbook {identifier}, “{definition.name}” ({status}).")


@playbooks_app.command("update")
def update_playbook(
    playbook_id: int = typer.Argument(..., help="The playbook's id."),
    file: Path = typer.Option(..., "--file", help="The whole new playbook, in YAML or JSON."),
) -> None:
    """Replace a playbook's definition from a file; tasks already created keep their steps.

    Example: cspersona playbooks update 3 --file save-the-renewal.yaml
    """
    from cspersona.playbooks import service
    from cspersona.playbooks.files import read_definition

    definition = read_definition(file)
    with database_session() as db_session:
        playbook = service.get(db_session=db_session, playbook_id=playbook_id)
        service.update(
            db_session=db_session, playbook=playbook, definition=definition, by=OPERATOR.user_name
        )
    typer.echo(f"Updated playbook {playbook_id}, “{definition.name}”.")


@playbooks_app.command("retire")
def retire_playbook(playbook_id: int = typer.Argument(..., help="The playbook's id.")) -> None:
    """Retire a playbook: it enters nobody new; its history and open tasks stay.

    Example: cspersona playbooks retire 3
    """
    from cspersona.playbooks import service
    from cspersona.playbooks.models import PlaybookStatus

    with database_session() as db_session:
        playbook = service.get(db_session=db_session, playbook_id=playbook_id)
        service.set_status(
            db_session=db_session,
            playbook=playbook,
            status=PlaybookStatus.RETIRED,
            by=OPERATOR.user_name,
        )
        name = playbook.name
    typer.echo(f"Retired playbook {playbook_id}, “{name}”: it enters nobody new.")


@playbooks_app.command("enrol")
def enrol_customer(
    playbook_id: int = typer.Argument(..., help="The playbook's id."),
    customer: int = typer.Option(..., "--customer", help="The customer's id."),
    note: str = typer.Option("", help="Why, for whoever reads the task."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Start a playbook for a customer by hand; says whether they entered, or why not.

    Example: cspersona playbooks enrol 3 --customer 42 --note "asked for a call"
    """
    from cspersona.playbooks.manual import enter_by_hand
    from cspersona.playbooks.schemas import EnrolResult

    with database_session() as db_session:
        entry = enter_by_hand(
            db_session,
            playbook_id=playbook_id,
            customer_id=customer,
            by=OPERATOR,
            note=note,
            at=work_clock(db_session),
        )
        result = EnrolResult.of(entry)
    if as_json:
        typer.echo(result.model_dump_json())
        return
    typer.echo(result.message)


@playbooks_app.command("experiment")
def show_experiment(
    playbook_id: int = typer.Argument(..., help="The playbook's id."),
    effect: float = typer.Option(
        0.2, min=0.01, max=0.99, help="The fall in churn to size the test for (0.2: 20%)."
    ),
    as_of: str | None = typer.Option(
        None,
        "--as-of",
        help="Read it as of this ISO date or time (default: now), e.g. after a world's last day.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the experiment as JSON."),
) -> None:
    """Treated against held-back customers, how many the test needs, and what to test next.

    Example: cspersona playbooks experiment 3 --effect 0.3
    """
    import dataclasses
    import json

    from cspersona.console.options import parse_as_of
    from cspersona.playbooks import service
    from cspersona.playbooks.experiment import experiment

    with database_session() as db_session:
        playbook = service.get(db_session=db_session, playbook_id=playbook_id)
        at = parse_as_of(as_of) or work_clock(db_session)
        result = experiment(db_session, playbook=playbook, at=at, relative_reduction=effect)
    if as_json:
        typer.echo(json.dumps(dataclasses.asdict(result)))
        return
    _print_experiment(result)


def _print_experiment(result: "Experiment") -> None:
    """The experiment as an analyst reads it: the arms, then the same sentences as its page."""
    from rich.table import Table

    from cspersona.playbooks.experiment_words import arm_rows, experiment_words, rate_words

    words = experiment_words(result)
    console.print(
        f"[bold]{result.playbook_name}[/bold]: {words.design}", highlight=False, soft_wrap=True
    )
    table = Table("arm", "customers", "followed up", "churned", "churn rate")
    for label, arm in arm_rows(result):
        table.add_row(
            label,
            str(arm.customers),
            str(arm.followed_up),
            str(arm.churned),
            rate_words(arm.churn_rate),
        )
    console.print(table)
    console.print(words.difference, highlight=False, soft_wrap=True)
    for line in words.power:
        console.print(f"- {line}", highlight=False, soft_wrap=True)
    console.print("[bold]What to test next[/bold]")
    if not words.recommendations:
        console.print("Nothing yet: keep the test running.", soft_wrap=True)
    for text in words.recommendations:
        console.print(f"- {text}", highlight=False, soft_wrap=True)


@playbooks_app.command("tracking")
def show_tracking(
    playbook_id: int = typer.Argument(..., help="The playbook's id."),
    as_of: str | None = typer.Option(
        None,
        "--as-of",
        help="Read it up to this ISO date or time (default: the data's latest day).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the series as JSON."),
) -> None:
    """Each success criterion by month, treated and held-back customers apart, with its target.

    Example: cspersona playbooks tracking 3
    """
    import dataclasses
    import json

    from cspersona.console.options import parse_as_of
    from cspersona.playbooks import service
    from cspersona.playbooks.clock import work_clock
    from cspersona.playbooks.tracking import tracked

    with database_session() as db_session:
        playbook = service.get(db_session=db_session, playbook_id=playbook_id)
        name = playbook.name
        series = tracked(
            db_session, playbook=playbook, at=parse_as_of(as_of) or work_clock(db_session)
        )
    if as_json:
        typer.echo(json.dumps([dataclasses.asdict(item) for item in series], default=str))
        return
    _print_tracking(name, series)


def _print_tracking(name: str, series: "list[MetricSeries]") -> None:
    """A line per criterion, then a table: month, each arm's value and customers, the target."""
    from rich.table import Table

    from cspersona.playbooks.tracking_words import (
        has_data,
        metric_label,
        summary_words,
        value_words,
    )

    if not series:
        console.print(f"[bold]{name}[/bold] has no success criteria, so nothing is tracked.")
        return
    for item in series:
        console.print(summary_words(item), highlight=False, soft_wrap=True)
        if not has_data(item):
            continue
        table = Table(
            "month",
            "treated",
            "customers",
            "held back",
            "customers",
            "target a month" if item.monthly_target != item.target else "target",
            title=metric_label(item),
        )
        for point in item.points:
            table.add_row(
                f"{point.month:%b %Y}",
                value_words(item, point.treated.value),
                f"{point.treated.customers:,}",
                value_words(item, point.held_back.value),
                f"{point.held_back.customers:,}",
                value_words(item, item.monthly_target),
            )
        console.print(table)


@tasks_app.command("show")
def show_task(
    task_id: int = typer.Argument(..., help="The task's id (see tasks list)."),
    as_json: bool = typer.Option(False, "--json", help="Print the task as JSON."),
) -> None:
    """Show a task: the customer's risk and drivers, why they entered, and the message to send.

    Example: cspersona tasks show 12
    """
    from cspersona.playbooks.schemas import TaskDetailRead
    from cspersona.playbooks.task_detail import task_detail

    with database_session() as db_session:
        today = work_day(db_session)
        detail = task_detail(db_session, task_id=task_id, visible_to=OPERATOR, today=today)
        task = TaskDetailRead.of_detail(detail, today=today)
    if as_json:
        typer.echo(task.model_dump_json())
        return
    _print_task(task)


def _print_task(task: "TaskDetailRead") -> None:
    """A task as its owner reads it, message ready to copy."""
    from cspersona.playbooks.owners import UNASSIGNED
    from cspersona.playbooks.wording import kind_words, reason_words

    due = day_words(task.due_on) + (" (overdue)" if task.overdue else "")
    owner = "nobody yet (no user can take it)" if task.owner == UNASSIGNED else task.owner
    console.print(
        f"[bold]{task.title}[/bold] ({kind_words(task.kind)}), task {task.id}: {task.status}, "
        f"due {due}, for {owner}",
        highlight=False,
    )
    risk = (
        f"{task.risk_tier} churn risk ({task.churn_probability:.0%})"
        if task.risk_tier and task.churn_probability is not None
        else "churn risk not scored"
    )
    persona = f", {task.persona_name}" if task.persona_name else ""
    console.print(
        f"Customer: {task.company_name} (id {task.customer_id}{persona}), {risk}", highlight=False
    )
    console.print(
        f"In “{task.playbook_name}”: {reason_words(str(task.reason), task.why)}.",
        highlight=False,
    )
    for driver in task.drivers:
        console.print(f"- {driver}", highlight=False)
    if task.instructions:
        console.print(f"What to do: {task.instructions}", highlight=False)
    if task.outcome_note:
        console.print(f"Outcome: {task.outcome_note}", highlight=False)
    for message in task.messages:
        channel = CHANNEL_WORDS.get(message.channel, message.channel)
        console.print(f"\n[bold]{channel} to copy[/bold] ({task.tone})")
        if message.subject:
            console.print(
                f"Subject: {message.subject}", markup=False, highlight=False, soft_wrap=True
            )
        console.print(message.body, markup=False, highlight=False, soft_wrap=True)
        if message.missing:
            console.print(
                f"(No {missing_words(message.missing)} known "
                "for this customer: a general wording stands in.)",
                highlight=False,
            )


def _close(task_id: int, status: str, note: str | None) -> None:
    """Close a task as done or skipped and say what happened."""
    from cspersona.playbooks import tasks
    from cspersona.playbooks.models import TaskStatus
    from cspersona.playbooks.queue import get_task

    with database_session() as db_session:
        task = get_task(db_session, task_id=task_id, visible_to=OPERATOR)
        tasks.close(
            db_session,
            task=task,
            status=TaskStatus(status),
            note=note,
            by=OPERATOR.user_name,
            at=datetime.now(UTC),
        )
        finished = task.enrolment.exited_at is not None
    typer.echo(
        f"Task {task_id} {'marked done' if status == 'done' else 'skipped'}"
        + ("; every step of this entry is now closed." if finished else ".")
    )


@tasks_app.command("done")
def done_task(
    task_id: int = typer.Argument(..., help="The task's id."),
    note: str | None = typer.Option(None, help="What happened (welcome, not required)."),
) -> None:
    """Mark a task done, with an outcome note.

    Example: cspersona tasks done 12 --note "Sponsor agreed to a review call"
    """
    _close(task_id, "done", note)


@tasks_app.command("skip")
def skip_task(
    task_id: int = typer.Argument(..., help="The task's id."),
    note: str = typer.Option(..., help="Why it is skipped (required)."),
) -> None:
    """Skip a task, saying why; the reasons feed the playbook's test recommendations.

    Example: cspersona tasks skip 12 --note "No phone number on file"
    """
    _close(task_id, "skipped", note)


@tasks_app.command("snooze")
def snooze_task(
    task_id: int = typer.Argument(..., help="The task's id."),
    until: datetime = typer.Option(..., formats=["%Y-%m-%d"], help="The day it comes back."),
) -> None:
    """Put a task aside until a day; it returns to the queue as open then.

    Example: cspersona tasks snooze 12 --until 2026-01-15
    """
    from cspersona.playbooks import tasks
    from cspersona.playbooks.queue import get_task

    with database_session() as db_session:
        task = get_task(db_session, task_id=task_id, visible_to=OPERATOR)
        tasks.snooze(db_session, task=task, until=until.date(), today=work_day(db_session))
    typer.echo(f"Task {task_id} snoozed until {day_words(until.date())}.")


def sentence(words: str) -> str:
    """``words`` as a sentence: capital first letter, full stop."""
    return words[:1].upper() + words[1:] + "."


@playbooks_app.command("run")
def run_playbooks() -> None:
    """Refresh generated playbooks, enter customers on new events, apply exits, escalate tasks.

    The pipeline's playbooks stage does the same after every run; this does it now, on the
    playbooks' clock (now, or the data's latest day when the data stops earlier).

    Example: cspersona playbooks run
    """
    from cspersona.config import get_settings
    from cspersona.playbooks.cycle import run_cycle

    with database_session() as db_session:
        report = run_cycle(db_session, settings=get_settings(), by=OPERATOR.user_name)
    generated = report.generation_words()
    if generated:
        typer.echo(sentence(generated))
    typer.echo(sentence(report.triggered.words()))
    for name, count in sorted(report.triggered.by_playbook.items()):
        typer.echo(f"  {name}: {count} entered")
    typer.echo(sentence(report.escalated.words()))


@playbooks_app.command("dry-run")
def dry_run_playbooks(
    days: int = typer.Option(180, min=1, max=3650, help="How many days of history to replay."),
    playbook: int | None = typer.Option(None, help="Only this playbook id (any status)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON lines."),
) -> None:
    """Replay past days: who would have entered which playbook, in which arm, with which tasks.

    The replay ends now, or at the latest data when that is older; nothing is written.
    Example: cspersona playbooks dry-run --days 90 --playbook 2
    """
    from cspersona.playbooks import service
    from cspersona.playbooks.dry_run import dry_run, replay_end

    with database_session() as db_session:
        if playbook is not None:
            service.get(db_session=db_session, playbook_id=playbook)
        report = dry_run(db_session, at=replay_end(db_session), days=days, playbook_id=playbook)
    rows = report.entries
    columns = {
        "date": lambda row: row.entered_on.isoformat(),
        "customer": lambda row: row.company_name,
        "playbook": lambda row: row.playbook_name,
        "arm": lambda row: row.arm.replace("_", " "),
        "why": lambda row: row.detail,
        "tasks": lambda row: (
            "\n".join(f"due {t.due_on}: {t.title} ({t.owner})" for t in row.tasks)
            or "none: held back"
        ),
    }
    print_rows(rows, as_json=as_json, columns=columns)
    if not as_json:
        typer.echo(sentence(report.words()) + " Nothing was written.")


@tasks_app.command("escalations")
def list_escalations(
    limit: int = typer.Option(100, min=1, max=10_000, help="How many, newest first."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON lines."),
) -> None:
    """List escalations, newest first: which task, to whom, and why.

    Example: cspersona tasks escalations --json
    """
    from cspersona.playbooks.escalation import recent
    from cspersona.playbooks.schemas import EscalationRead

    with database_session() as db_session:
        rows = [
            EscalationRead(
                id=escalation.id,
                task_id=task.id,
                task_title=task.title,
                company_name=company,
                playbook_name=task.playbook.name,
                level=escalation.level,
                target=escalation.target,
                reason=escalation.reason,
                detail=escalation.detail,
                escalated_at=escalation.escalated_at,
            )
            for escalation, task, company in recent(db_session, limit=limit)
        ]
    columns = {
        "when": lambda row: f"{row.escalated_at:%Y-%m-%d %H:%M}",
        "level": lambda row: str(row.level),
        "to": lambda row: row.target,
        "why": lambda row: row.detail,
    }
    print_rows(rows, as_json=as_json, columns=columns)
