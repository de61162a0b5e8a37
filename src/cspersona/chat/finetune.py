"""Fine-tuning data: what each persona's customers really answered, in chat format.

Each example pairs what the vendor said (an agent's or CSM's message, or the subject a customer
opened a conversation about) with the member customer's real reply, under a system prompt that
describes the persona and its response style. Every text is redacted again before it is written.
"""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.chat.character import Character, character_from_messages, member_messages
from cspersona.conversations.models import AuthorRole, Interaction, Message
from cspersona.personas.models import Persona, PersonaMapping

Format = Literal["openai", "jsonl"]


@dataclass(frozen=True)
class Example:
    """One training example: what the customer was answering and what they wrote."""

    persona_id: int
    persona: str
    context: str
    response: str


def response_style(character: Character) -> dict[str, float]:
    """The style numbers a fine-tuned model should reproduce."""
    keys = ("formality", "technical", "verbosity", "enthusiasm", "patience")
    return {key: character.traits[key] for key in keys}


def persona_instructions(character: Character) -> str:
    """The system prompt of a persona's examples."""
    style = ", ".join(f"{key} {value:.2f}" for key, value in response_style(character).items())
    concerns = ", ".join(character.concerns) or "nothing in particular"
    return (
        f"You are a customer of the persona '{character.name}'. Response style (0-1): {style}. "
        f"Main concerns: {concerns}. Answer the vendor as this customer would."
    )


def examples(
    *, db_session: Session, persona: Persona, redact: Callable[[str], str], limit: int
) -> Iterator[Example]:
    """Up to ``limit`` (context, customer reply) pairs from the persona's members' conversations."""
    statement = (
        select(Message.interaction_id, Message.author_role, Message.body, Interaction.subject)
        .join(Interaction, Interaction.id == Message.interaction_id)
        .join(PersonaMapping, PersonaMapping.customer_id == Interaction.customer_id)
        .where(PersonaMapping.persona_id == persona.id)
        .order_by(Message.interaction_id, Message.seq)
    )
    produced = 0
    previous: tuple[int, AuthorRole, str] | None = None
    for interaction_id, role, text, subject in db_session.execute(statement):
        if role is AuthorRole.CUSTOMER:
            if previous is not None and previous[0] == interaction_id:
                context = previous[2] if previous[1] is not AuthorRole.CUSTOMER else ""
            else:
                context = f"(The customer opens a conversation about: {subject or 'their account'})"
            if context:
                yield Example(persona.id, persona.name, redact(context), redact(text))
                produced += 1
                if produced >= limit:
                    return
        previous = (interaction_id, role, text)


def export(
    *,
    db_session: Session,
    personas: list[Persona],
    out: Path,
    output_format: Format,
    redact: Callable[[str], str],
    limit: int = 500,
) -> dict[str, int]:
    """Write the examples of every persona to ``out`` as JSON lines; counts per persona."""
    counts: dict[str, int] = {}
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as stream:
        for persona in personas:
            character = character_from_messages(
                persona_id=persona.id,
                name=persona.name,
                messages=member_messages(db_session=db_session, persona_id=persona.id),
            )
            system = persona_instructions(character)
            counts[persona.name] = 0
            for example in examples(
                db_session=db_session, persona=persona, redact=redact, limit=limit
            ):
                record: dict[str, Any]
                if output_format == "openai":
                    record = {
                        "messages": [
                            {"role": "system", "content": system},
                            {"role": "user", "content": example.context},
                            {"role": "assistant", "content": example.response},
                        ]
                    }
                else:
                    record = {
                        "persona_id": example.persona_id,
                        "persona": example.persona,
                        "context": example.context,
                        "response_style": response_style(character),
                        "example_response": example.response,
                    }
                stream.write(json.dumps(record, ensure_ascii=False) + "\n")
                counts[persona.name] += 1
    return counts
