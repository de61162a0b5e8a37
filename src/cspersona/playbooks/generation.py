"""Generate each active persona's playbooks from its evidence and store them, idempotently.

A persona gets a risk playbook and, when some members are ready to expand, an expansion playbook.
A re-run finds them again by persona and trigger (not by name, which follows the persona's), and
rewrites them, unless an analyst changed one since: then it is left alone and the report says so.
The report models live here rather than in ``schemas``: only generation writes them.
"""

from typing import Literal

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.config import Settings, get_settings
from cspersona.exceptions import BadInput, Conflict
from cspersona.llm.client import LLMClient
from cspersona.playbooks import service
from cspersona.playbooks.definition import PlaybookDefinition
from cspersona.playbooks.drafting import expansion_playbook, risk_playbook
from cspersona.playbooks.evidence import PersonaEvidence, active_personas, gather
from cspersona.playbooks.models import Playbook, PlaybookStatus
from cspersona.playbooks.writing import written

GENERATED_SOURCES = ("template", "llm")
# ``updated_by`` of a playbook the generator wrote last; anything else is an analyst's edit.
GENERATOR_PREFIX = "generator for "

Action = Literal["created", "updated", "unchanged", "left alone"]


class GeneratedPlaybook(BaseModel):
    """What happened to one generated playbook, and on how much evidence it stands."""

    persona_id: int
    persona_name: str
    playbook_id: int | None
    name: str
    action: Action
    source: str
    evidence: int
    note: str = ""


class GenerationReport(BaseModel):
    """Every playbook a generation run created, updated or left alone, persona by persona."""

    personas: int
    playbooks: list[GeneratedPlaybook]

    def count(self, action: Action) -> int:
        """How many playbooks met ``action``."""
        return sum(item.action == action for item in self.playbooks)


def generated_by(by: str) -> str:
    """The ``updated_by`` the generator writes for a run asked for by ``by``."""
    return f"{GENERATOR_PREFIX}{by}"[:128]


def generate(
    db_session: Session,
    *,
    by: str,
    persona_ids: list[int] | None = None,
    llm: LLMClient | None = None,
    settings: Settings | None = None,
) -> GenerationReport:
    """Create or update the playbooks of every active persona (or those named); flushes only."""
    settings = settings or get_settings()
    personas = active_personas(db_session, persona_ids)
    missing = sorted(set(persona_ids or ()) - {persona.id for persona in personas})
    if missing:
        raise BadInput(f"no active persona with id {', '.join(map(str, missing))}")
    results: list[GeneratedPlaybook] = []
    for persona in personas:
        evidence = gather(db_session, persona, settings=settings)
        drafts = [risk_playbook(evidence), expansion_playbook(evidence)]
        for draft in drafts:
            if draft is not None:
                results.append(_store(db_session, draft, evidence, by=by, llm=llm))
    return GenerationReport(personas=len(personas), playbooks=results)


def _store(
    db_session: Session,
    draft: PlaybookDefinition,
    evidence: PersonaEvidence,
    *,
    by: str,
    llm: LLMClient | None,
) -> GeneratedPlaybook:
    existing = _generated(db_session, evidence.persona_id, draft)
    result = GeneratedPlaybook(
        persona_id=evidence.persona_id,
        persona_name=evidence.persona_name,
        playbook_id=existing.id if existing else None,
        name=existing.name if existing else draft.name,
        action="left alone",
        source=existing.source if existing else "template",
        evidence=len(draft.evidence),
    )
    if existing is not None and not (existing.updated_by or "").startswith(GENERATOR_PREFIX):
        result.note = f"edited by {existing.updated_by or 'someone'} since it was generated"
        return result
    definition, source, note = draft, "template", ""
    if llm is not None:
        outcome = written(draft, evidence, client=llm)
        definition, source, note = outcome.definition, outcome.source, outcome.note
    result.evidence, result.source, result.note = len(definition.evidence), source, note
    try:
        if existing is None:
            playbook = service.create(
                db_session=db_session,
                definition=definition,
                by=generated_by(by),
                source=source,
                status=PlaybookStatus.ACTIVE,
            )
            result.action, result.playbook_id = "created", playbook.id
        elif existing.definition == definition and existing.source == source:
            result.action = "unchanged"
        else:
            service.update(
                db_session=db_session, playbook=existing, definition=definition, by=generated_by(by)
            )
            existing.source = source
            result.action, result.name = "updated", definition.name
    except Conflict as error:
        result.note = str(error)
    return result


def _generated(db_session: Session, persona_id: int, draft: PlaybookDefinition) -> Playbook | None:
    """The generated playbook for this persona and trigger, if an earlier run stored one."""
    candidates = db_session.scalars(
        select(Playbook).where(Playbook.source.in_(GENERATED_SOURCES)).order_by(Playbook.id)
    )
    return next(
        (
            playbook
            for playbook in candidates
            if playbook.persona_ids == [persona_id]
            and playbook.trigger.get("kind") == draft.trigger.kind.value
        ),
        None,
    )
