"""Analysts change who belongs to which persona: merge two, promote a suggestion, create one.

Members move by their current mapping (updated in place, so the model version that placed them
stays) and a snapshot, which the next refit's matching reads: a persona made here keeps its id
through refits like any other. Each change is an edit in ``persona_edits``.
"""

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspersona.config import Settings
from cspersona.db.types import utc_now
from cspersona.exceptions import BadInput, Conflict, NotFound
from cspersona.personas import edits
from cspersona.personas.artifact import PERSONA_KIND
from cspersona.personas.build import store_members_persona
from cspersona.personas.edits import Editor
from cspersona.personas.models import Persona, PersonaEdit, PersonaMapping, PersonaSnapshot
from cspersona.personas.service import get
from cspersona.registry import service as registry

MIN_MEMBERS = 2


def _current_mappings(
    db_session: Session, *, persona_id: int | None = None, customer_ids: list[int] | None = None
) -> list[PersonaMapping]:
    """The newest mapping of each customer, of one persona's members or of chosen customers."""
    newest = select(func.max(PersonaMapping.id)).group_by(PersonaMapping.customer_id)
    query = select(PersonaMapping).where(PersonaMapping.id.in_(newest))
    if persona_id is not None:
        query = query.where(PersonaMapping.persona_id == persona_id)
    if customer_ids is not None:
        query = query.where(PersonaMapping.customer_id.in_(customer_ids))
    return list(db_session.scalars(query.order_by(PersonaMapping.customer_id)))


def _move(db_session: Session, mappings: list[PersonaMapping], persona: Persona) -> None:
    """Map customers to ``persona`` and snapshot it, keeping their fit and model version."""
    now = utc_now()
    for mapping in mappings:
        mapping.persona_id = persona.id
        db_session.add(
            PersonaSnapshot(
                customer_id=mapping.customer_id,
                persona_id=persona.id,
                confidence=mapping.confidence_score,
                taken_at=now,
                model_version=mapping.model_version,
            )
        )
    db_session.flush()


def merge(
    *, db_session: Session, settings: Settings, keep_id: int, merge_id: int, editor: Editor
) -> Persona:
    """Move ``merge_id``'s members to ``keep_id``, profile them together, retire ``merge_id``."""
    if keep_id == merge_id:
        raise Conflict("a persona cannot be merged into itself")
    keep = get(db_session=db_session, persona_id=keep_id)
    merged = get(db_session=db_session, persona_id=merge_id)
    if not (keep.active and merged.active):
        raise Conflict("only active personas can be merged")
    moving = _current_mappings(db_session, persona_id=merged.id)
    staying = _current_mappings(db_session, persona_id=keep.id)
    _move(db_session, moving, keep)
    merged.active = False
    merged.merged_into_id = keep.id
    members = [mapping.customer_id for mapping in staying + moving]
    store_members_persona(
        db_session=db_session, settings=settings, customer_ids=members, persona=keep
    )
    edits.record(db_session, keep, editor, edits.MERGED, merged.name, keep.name)
    edits.record(db_session, merged, editor, edits.MERGED, merged.name, keep.name)
    return keep


def create(
    *,
    db_session: Session,
    settings: Settings,
    customer_ids: list[int],
    editor: Editor,
    name: str | None = None,
) -> Persona:
    """A new persona of the chosen customers, profiled from them; they leave their personas."""
    chosen = sorted(set(customer_ids))
    if len(chosen) < MIN_MEMBERS:
        raise BadInput(f"a persona needs at least {MIN_MEMBERS} customers")
    mappings = _current_mappings(db_session, customer_ids=chosen)
    unplaced = sorted(set(chosen) - {mapping.customer_id for mapping in mappings})
    if unplaced:
        raise NotFound(f"customers {unplaced} have no persona yet (or do not exist)")
    persona = store_members_persona(
        db_session=db_session, settings=settings, customer_ids=chosen, persona=None
    )
    _move(db_session, mappings, persona)
    edits.record(db_session, persona, editor, edits.CREATED, None, persona.name)
    if name is not None:
        edits.rename(db_session=db_session, persona_id=persona.id, name=name, editor=editor)
    return persona


def suggestions(*, db_session: Session) -> list[dict[str, Any]]:
    """The newest build's suggested personas: draft profiles of dense groups of misfits."""
    try:
        registered = registry.get_latest(db_session=db_session, kind=PERSONA_KIND)
    except NotFound:
        return []
    return list((registered.metrics or {}).get("suggested_personas", []))


def _suggestion_label(db_session: Session, number: int) -> str:
    """How a promotion names its suggestion: its number and the build that made it."""
    registered = registry.get_latest(db_session=db_session, kind=PERSONA_KIND)
    return f"suggestion {number} of {registered.tag}"


def promote(
    *,
    db_session: Session,
    settings: Settings,
    number: int,
    editor: Editor,
    name: str | None = None,
) -> Persona:
    """Make the newest build's suggested persona ``number`` (1-based) a persona of its own."""
    drafts = suggestions(db_session=db_session)
    if not 1 <= number <= len(drafts):
        raise NotFound(
            f"there is no suggested persona {number}; the newest build made {len(drafts)}"
        )
    label = _suggestion_label(db_session, number)
    promoted = db_session.scalar(
        select(PersonaEdit.persona_id).where(
            PersonaEdit.field == edits.PROMOTED, PersonaEdit.old_value == label
        )
    )
    if promoted is not None:
        raise Conflict(f"{label} is already persona {promoted}")
    draft = drafts[number - 1]
    persona = create(
        db_session=db_session,
        settings=settings,
        customer_ids=draft["customer_ids"],
        editor=editor,
        name=name or draft.get("name"),
    )
    edits.record(db_session, persona, editor, edits.PROMOTED, label, persona.name)
    return persona
