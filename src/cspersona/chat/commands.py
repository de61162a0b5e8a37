"""``cspersona chat`` and ``cspersona scenarios``: talk to a persona and practise in a terminal."""

from pathlib import Path
from typing import Any

import typer
from sqlalchemy.orm import Session

from cspersona.chat import audio, finetune
from cspersona.chat.scenarios import Scenario, load_scenario_file
from cspersona.chat.scorecard import ScoreCard
from cspersona.config import get_settings
from cspersona.console.database import database_session
from cspersona.console.errors import DomainErrorGroup
from cspersona.console.output import console
from cspersona.exceptions import BadInput, NotFound
from cspersona.personas.models import Persona

QUIT = {"/quit", "/exit", "/end"}
# The chat service loads the engines, retrieval and personas (pandas, scikit-learn): functions
# import it when they run, so that `cspersona --help` starts fast.


class ChatGroup(DomainErrorGroup):
    """``cspersona chat PERSONA`` talks; a known sub-command name runs that command instead."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Route ``chat PERSONA ...`` to the ``talk`` command."""
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["talk", *args]
        result: list[str] = super().parse_args(ctx, args)
        return result


chat_app = typer.Typer(
    cls=ChatGroup,
    help="Talk to a persona in the terminal, or export fine-tuning data.",
    no_args_is_help=True,
)
scenarios_app = typer.Typer(
    cls=DomainErrorGroup, help="Practise hard conversations with personas.", no_args_is_help=True
)


def resolve_persona(db_session: Session, persona: str) -> Persona:
    """A current persona by id or by name (any case)."""
    from cspersona.chat import service

    personas = service.current_personas(db_session=db_session)
    for candidate in personas:
        if persona == str(candidate.id) or persona.lower() == candidate.name.lower():
            return candidate
    names = ", ".join(f"{p.id} {p.name}" for p in personas) or "none: build personas first"
    raise NotFound(f"persona {persona!r} not found; current personas: {names}")


def _converse(
    db_session: Session,
    persona_id: int,
    scenario: Scenario | None,
    seed: int,
    lines: list[str] | None,
    speak: Path | None = None,
) -> ScoreCard | None:
    """Read CSM messages (from the terminal, or ``lines``) and print the persona's replies.

    With ``speak``, each reply is also written there as WAV audio, so the file holds the newest.
    """
    from cspersona.chat import service

    settings = get_settings()
    conversation_id: int | None = None
    pending = list(lines) if lines is not None else None
    while True:
        if pending is not None:
            if not pending:
                break
            message = pending.pop(0)
            console.print(f"[bold]you>[/bold] {message}")
        else:
            try:
                message = typer.prompt("you", prompt_suffix="> ")
            except (EOFError, typer.Abort):
                break
        if message.strip() in QUIT:
            break
        if not message.strip():
            continue
        exchange = service.send_message(
            db_session=db_session,
            settings=settings,
            persona_id=persona_id,
            message=message,
            conversation_id=conversation_id,
            scenario_name=scenario.name if scenario and conversation_id is None else None,
            seed=seed,
        )
        # Each exchange is a unit of work: a terminal chat must not hold the database's write
        # lock while its user types, nor lose what was said when it stops with an error.
        db_session.commit()
        conversation_id = exchange.conversation.id
        reply = exchange.reply
        state = reply.state
        console.print(f"[bold cyan]persona>[/bold cyan] {reply.text}", highlight=False)
        console.print(
            f"  [dim]{reply.emotion} · satisfaction {state.satisfaction:.2f} · trust "
            f"{state.trust:.2f} · patience {state.patience:.2f} · you: "
            f"{', '.join(sorted(reply.intents)) or 'no clear move'}[/dim]"
        )
        for suggestion in reply.suggestions:
            console.print(f"  [dim]try: {suggestion}[/dim]", highlight=False)
        if speak is not None:
            audio.synthesise(reply.text, exchange.speech, speak, feature="--speak")
            console.print(f"  [dim]reply spoken to {speak}[/dim]", highlight=False, soft_wrap=True)
        if exchange.score_card is not None:
            return exchange.score_card
    if scenario is not None and conversation_id is not None:
        return service.end_scenario(
            db_session=db_session, conversation_id=conversation_id, user_id=None
        )
    return None


def _print_card(scenario: Scenario, card: ScoreCard) -> None:
    console.print(
        f"\n[bold]{scenario.title}[/bold] with {card.persona_name}: "
        f"{card.outcome.replace('_', ' ')}, the customer ends {card.stance} · "
        f"score {card.score}/100 · "
        f"goal reached {'yes' if card.goal_reached else 'no'} · turns {card.turns_used}/"
        f"{card.turn_limit} · empathy {card.empathy:.2f} · clarity {card.clarity:.2f} · "
        f"objections {card.objections_handled}/{card.objections_total}"
    )
    for heading, lines in (
        ("What moved them", card.turning_points),
        ("Left unanswered", card.unanswered),
        ("Coaching", card.feedback),
    ):
        if lines:
            console.print(f"{heading}:", highlight=False)
        for line in lines:
            console.print(f"- {line}", highlight=False)


def _script(path: Path | None) -> list[str] | None:
    if path is None:
        return None
    try:
        return [line for line in path.read_text("utf-8").splitlines() if line.strip()]
    except OSError as error:
        raise BadInput(f"cannot read {path}: {error.strerror}") from error


SPEAK_HELP = "Write each reply to this WAV file, spoken by espeak-ng in the persona's voice."


def _check_speak_target(speak: Path | None) -> None:
    """Refuse a --speak target before the chat starts, not after the first reply."""
    if speak is None:
        return
    audio.require_espeak("--speak")
    if speak.is_dir():
        raise BadInput(f"--speak {speak} is a folder: give a file name such as reply.wav")
    if not speak.parent.is_dir():
        raise BadInput(f"--speak {speak}: the folder {speak.parent} does not exist")


@chat_app.command("talk")
def talk(
    persona: str = typer.Argument(..., help="Persona id or name."),
    seed: int = typer.Option(0, help="Seed of the conversation: the same seed, the same replies."),
    script: Path | None = typer.Option(None, help="Read the CSM's messages from this file."),
    speak: Path | None = typer.Option(None, help=SPEAK_HELP),
) -> None:
    """Chat with a persona in the terminal (also: cspersona chat PERSONA); /quit ends.

    Example: cspersona chat "Cost-Conscious Carlos" --seed 3 --speak reply.wav
    """
    _check_speak_target(speak)
    with database_session() as db_session:
        chosen = resolve_persona(db_session, persona)
        console.print(f"Talking to persona {chosen.id} {chosen.name}. /quit ends.")
        _converse(db_session, chosen.id, None, seed, _script(script), speak)


@chat_app.command("export-finetune")
def export_finetune(
    output_format: finetune.Format = typer.Option(
        "openai", "--format", help="openai (chat messages) or jsonl (persona, context, style)."
    ),
    out: Path = typer.Option(Path("finetune.jsonl"), help="File to write."),
    limit: int = typer.Option(500, min=1, help="Examples per persona at most."),
) -> None:
    """Write chat-format fine-tuning examples per persona from their members' real replies.

    Example: cspersona chat export-finetune --format openai --out data/finetune.jsonl
    """
    from cspersona.chat import service
    from cspersona.pii.anonymizer import PiiRedactor

    settings = get_settings()
    redactor = PiiRedactor.from_settings(settings, operator="replace")
    with database_session() as db_session:
        personas = service.current_personas(db_session=db_session)
        if not personas:
            raise NotFound("no personas: build personas first")
        counts = finetune.export(
            db_session=db_session,
            personas=personas,
            out=out,
            output_format=output_format,
            redact=redactor.redact,
            limit=limit,
        )
    for name, count in counts.items():
        console.print(f"{name}: {count} examples")
    console.print(f"wrote {sum(counts.values())} examples to {out}")


@scenarios_app.command("list")
def list_scenarios() -> None:
    """List the practice scenarios, built in and custom, with the persona each runs against.

    Example: cspersona scenarios list
    """
    from cspersona.chat import scenario_store, service

    settings = get_settings()
    with database_session() as db_session:
        scenarios = scenario_store.list_scenarios(db_session=db_session)
        fits = service.best_fit_personas(
            db_session=db_session, settings=settings, scenarios=scenarios
        )
        for scenario in scenarios:
            persona = fits.get(scenario.name)
            against = f"against {persona.name}" if persona else "no persona yet"
            custom = ", custom" if scenario_store.is_custom(scenario.name) else ""
            console.print(
                f"[bold]{scenario.name}[/bold] — {scenario.label}; {against} "
                f"({scenario.turn_limit} turns{custom}): {scenario.csm_goal}",
                highlight=False,
            )


@scenarios_app.command("add")
def add_scenario(
    file: Path = typer.Argument(..., help="A scenario YAML file (see docs/chat.md)."),
) -> None:
    """Store a custom scenario so the page, the API and the CLI offer it.

    Example: cspersona scenarios add price-rise.yaml
    """
    from cspersona.chat import scenario_store, service

    scenario = load_scenario_file(file)
    settings = get_settings()
    with database_session() as db_session:
        scenario_store.create_scenario(db_session=db_session, scenario=scenario, user_id=None)
        fits = service.best_fit_personas(
            db_session=db_session, settings=settings, scenarios=[scenario]
        )
        persona = fits.get(scenario.name)
        against = f"; it runs against {persona.name}" if persona else ""
        console.print(f"Added {scenario.name}: {scenario.label}{against}.", highlight=False)


@scenarios_app.command("run")
def run_scenario(
    name: str = typer.Argument(..., help="A built-in or added scenario's name."),
    persona: str | None = typer.Option(None, help="Persona id or name; default: best fit."),
    seed: int = typer.Option(0, help="Seed of the conversation."),
    script: Path | None = typer.Option(None, help="Read the CSM's messages from this file."),
    speak: Path | None = typer.Option(None, help=SPEAK_HELP),
) -> None:
    """Practise a scenario in the terminal and get a score card with coaching; /end stops early.

    Example: cspersona scenarios run renewal-negotiation --speak reply.wav
    """
    from cspersona.chat import scenario_store, service

    _check_speak_target(speak)
    settings = get_settings()
    with database_session() as db_session:
        if name.endswith((".yaml", ".yml")):  # a run is stored, and so must its scenario be
            raise BadInput(
                f"add the scenario first (cspersona scenarios add {name}), then run it by its name"
            )
        scenario = scenario_store.get_scenario(db_session=db_session, name=name)
        if persona is None:
            chosen = service.scenario_persona(
                db_session=db_session, settings=settings, scenario=scenario
            )
            why = "the persona that fits this customer best"
        else:
            chosen = resolve_persona(db_session, persona)
            why = "the persona you chose"
        console.print(f"[bold]{scenario.label}[/bold] — {scenario.situation}", highlight=False)
        console.print(f"Your goal: {scenario.csm_goal}", highlight=False)
        console.print(f"You are talking to {chosen.name}, {why}.", highlight=False)
        console.print(f"[bold cyan]persona>[/bold cyan] {scenario.opening}", highlight=False)
        card = _converse(db_session, chosen.id, scenario, seed, _script(script), speak)
    if card is None:
        console.print("No turns were played.")
        return
    _print_card(scenario, card)
