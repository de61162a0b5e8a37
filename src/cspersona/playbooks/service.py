"""Playbooks as stored: read, create, update, retire; templates are checked on the way in."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspersona.exceptions import BadInput, Conflict, NotFound
from cspersona.personas.models import Persona
from cspersona.playbooks.definition import PlaybookDefinition
from cspersona.playbooks.models import Enrolment, Playbook, PlaybookStatus
from cspersona.playbooks.rendering import check


def get(*, db_session: Session, playbook_id: int) -> Playbook:
    """One playbook, or :class:`NotFound`."""
    playbook = db_session.get(Playbook, playbook_id)
    if playbook is None:
        raise NotFound(f"playbook {playbook_id} does not exist")
    return playbook


def get_all(*, db_session: Session, status: PlaybookStatus | None = None) -> list[Playbook]:
    """Playbooks by name, of one status when given."""
    statement = select(Playbook).order_by(Playbook.name)
    if status is not None:
        statement = statement.where(Playbook.status == status)
    return list(db_session.scalars(statement))


def create(
    *,
    db_session: Session,
    definition: PlaybookDefinition,
    by: str,
    source: str = "manual",
    status: PlaybookStatus = PlaybookStatus.ACTIVE,
) -> Playbook:
    """A new playbook; :class:`Conflict` if the name is taken."""
    validate(db_session, definition)
    _name_is_free(db_session, definition.name, keep=None)
    playbook = Playbook(source=source, status=status, updated_by=by)
    playbook.apply(definition)
    db_session.add(playbook)
    db_session.flush()
    return playbook


def update(
    *, db_session: Session, playbook: Playbook, definition: PlaybookDefinition, by: str
) -> Playbook:
    """Replace ``playbook``'s definition; tasks already created keep their steps."""
    validate(db_session, definition)
    _name_is_free(db_session, definition.name, keep=playbook.id)
    playbook.apply(definition)
    playbook.updated_by = by
    db_session.flush()
    return playbook


def set_status(*, db_session: Session, playbook: Playbook, status: PlaybookStatus, by: str) -> None:
    """Activate, park as draft or retire a playbook; retired ones enter nobody new."""
    playbook.status = status
    playbook.updated_by = by
    db_session.flush()


def delete(*, db_session: Session, playbook: Playbook) -> None:
    """Delete a playbook nobody ever entered; :class:`Conflict` otherwise, as history would go."""
    entries = db_session.scalar(
        select(func.count()).select_from(Enrolment).where(Enrolment.playbook_id == playbook.id)
    )
    if entries:
        raise Conflict(
            f"{entries} customer entr{'y' if entries == 1 else 'ies'} of playbook "
            f"“{playbook.name}” would be lost: retire it instead"
        )
    db_session.delete(playbook)
    db_session.flush()


def validate(db_session: Session, definition: PlaybookDefinition) -> None:
    """Refuse, in words, templates that do not parse and personas that do not exist."""
    for number, step in enumerate(definition.steps, start=1):
        for template in step.templates:
            try:
                for source in (template.subject, template.body):
                    if source:
                        check(source)
            except BadInput as error:
                raise BadInput(
                    f"step {number} ({step.title}), {template.channel}: {error}"
                ) from error
    if definition.persona_ids:
        found = set(
            db_session.scalars(select(Persona.id).where(Persona.id.in_(definition.persona_ids)))
        )
        missing = sorted(set(definition.persona_ids) - found)
        if missing:
            raise BadInput(f"no persona with id {', '.join(map(str, missing))}")


def _name_is_free(db_session: Session, name: str, *, keep: int | None) -> None:
    holder = db_session.scalar(select(Playbook.id).where(Playbook.name == name))
    if holder is not None and holder != keep:
        raise Conflict(f"a playbook named “{name}” already exists (id {holder})")


def customers_in(*, db_session: Session) -> dict[int, int]:
    """How many customers each playbook holds now (open entries, both arms)."""
    rows = db_session.execute(
        select(Enrolment.playbook_id, func.count())
        .where(Enrolment.exited_at.is_(None))
        .group_by(Enrolment.playbook_id)
    ).all()
    return {int(playbook_id): int(count) for playbook_id, count in rows}
