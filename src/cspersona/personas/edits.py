"""Analysts' edits of personas: every change versioned, names and narratives kept across refits.

Each edit is a ``persona_edits`` row (who, when, which field, old and new value). A refit keeps a
persona's id and name by matching and rewrites its narrative from the new profile;
:func:`keep_overrides` then puts back the newest name and narrative an analyst wrote.
"""

import getpass
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspersona.exceptions import BadInput, Conflict
from cspersona.personas.models import Persona, PersonaEdit
from cspersona.personas.service import get

NAME = "name"
NARRATIVE = "narrative"
MERGED = "merged"
CREATED = "created"
PROMOTED = "promoted"
# The fields whose newest edit overrides what a refit writes.
OVERRIDDEN = (NAME, NARRATIVE)
NAME_LENGTH = 128
NARRATIVE_LENGTH = 4000


@dataclass(frozen=True)
class Editor:
    """Who makes an edit: a user of the API or pages, or someone at the command line."""

    user_id: int | None
    name: str

    @classmethod
    def at_command_line(cls) -> "Editor":
        """The operating-system user running a ``cspersona personas`` command."""
        return cls(user_id=None, name=f"{getpass.getuser()} (command line)")


def record(
    db_session: Session,
    persona: Persona,
    editor: Editor,
    field: str,
    old: str | None,
    new: str | None,
) -> PersonaEdit:
    """Store one edit of ``persona``."""
    edit = PersonaEdit(
        persona_id=persona.id,
        user_id=editor.user_id,
        editor=editor.name,
        field=field,
        old_value=old,
        new_value=new,
    )
    db_session.add(edit)
    db_session.flush()
    return edit


def _cleaned(text: str, what: str, longest: int) -> str:
    """``text`` with its spaces tidied, or :class:`BadInput` when empty or too long."""
    cleaned = " ".join(text.split()) if what == NAME else text.strip()
    if not cleaned:
        raise BadInput(f"a persona's {what} cannot be empty")
    if len(cleaned) > longest:
        raise BadInput(f"a persona's {what} is at most {longest} characters")
    return cleaned


def _set_name(db_session: Session, persona: Persona, name: str) -> None:
    """Give ``persona`` a name no other persona of its model version has."""
    clash = db_session.scalar(
        select(Persona.id).where(
            Persona.version == persona.version, Persona.name == name, Persona.id != persona.id
        )
    )
    if clash is not None:
        raise Conflict(f"persona {clash} is already called {name!r}")
    persona.name = name
    persona.traits = persona.traits | {NAME: name}


def _set_narrative(persona: Persona, narrative: str) -> None:
    """Write the narrative, which no language model wrote any more."""
    persona.narrative = narrative
    traits = {key: value for key, value in persona.traits.items() if key != "narrative_by"}
    persona.traits = traits | {NARRATIVE: narrative}


def rename(*, db_session: Session, persona_id: int, name: str, editor: Editor) -> Persona:
    """Rename a persona; the name stays through refits."""
    persona = get(db_session=db_session, persona_id=persona_id)
    name = _cleaned(name, NAME, NAME_LENGTH)
    if name != persona.name:
        old = persona.name
        _set_name(db_session, persona, name)
        record(db_session, persona, editor, NAME, old, name)
    return persona


def edit_narrative(
    *, db_session: Session, persona_id: int, narrative: str, editor: Editor
) -> Persona:
    """Replace a persona's narrative; refits keep it instead of writing a new one."""
    persona = get(db_session=db_session, persona_id=persona_id)
    narrative = _cleaned(narrative, NARRATIVE, NARRATIVE_LENGTH)
    if narrative != persona.narrative:
        old = persona.narrative
        _set_narrative(persona, narrative)
        record(db_session, persona, editor, NARRATIVE, old, narrative)
    return persona


def history(*, db_session: Session, persona_id: int) -> list[PersonaEdit]:
    """A persona's edits, newest first."""
    return list(
        db_session.scalars(
            select(PersonaEdit)
            .where(PersonaEdit.persona_id == persona_id)
            .order_by(PersonaEdit.created_at.desc(), PersonaEdit.id.desc())
        )
    )


def overrides(db_session: Session, persona_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """Per persona, the newest value an analyst gave each overridden field."""
    newest = (
        select(func.max(PersonaEdit.id))
        .where(PersonaEdit.persona_id.in_(list(persona_ids)), PersonaEdit.field.in_(OVERRIDDEN))
        .group_by(PersonaEdit.persona_id, PersonaEdit.field)
    )
    found: dict[int, dict[str, str]] = {}
    for edit in db_session.scalars(select(PersonaEdit).where(PersonaEdit.id.in_(newest))):
        if edit.new_value is not None:
            found.setdefault(edit.persona_id, {})[edit.field] = edit.new_value
    return found


def keep_overrides(db_session: Session, personas: list[Persona]) -> None:
    """Put back the names and narratives analysts wrote, after a refit rewrote the personas."""
    for persona in personas:
        kept = overrides(db_session, [persona.id]).get(persona.id, {})
        if NAME in kept and kept[NAME] != persona.name:
            _set_name(db_session, persona, kept[NAME])
        if NARRATIVE in kept:
            _set_narrative(persona, kept[NARRATIVE])


def merge_targets(db_session: Session) -> dict[int, int]:
    """Every merged persona's id mapped to the persona it finally went into (chains followed)."""
    merged = {
        persona.id: persona.merged_into_id
        for persona in db_session.scalars(
            select(Persona).where(Persona.merged_into_id.is_not(None))
        )
        if persona.merged_into_id is not None
    }

    def target(persona_id: int) -> int:
        seen = {persona_id}
        while (following := merged.get(persona_id)) is not None and following not in seen:
            persona_id = following
            seen.add(persona_id)
        return persona_id

    return {persona_id: target(persona_id) for persona_id in merged}
