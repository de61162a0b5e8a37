"""Every customer's current persona and every persona's summary, as cached read models.

A customer's current persona is their newest mapping (highest id). The persona map, persona sizes
and members, and the ranked insights all read these instead of joining the mappings again on each
request; they are computed once per persona run (see :mod:`cspersona.db.cache`) and narrowed to
what a caller may see afterwards, never cached per caller.
"""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspersona.customers.models import Customer
from cspersona.db.cache import read_models
from cspersona.personas.models import Persona, PersonaEdit, PersonaFeedback, PersonaMapping
from cspersona.personas.schemas import PersonaRead, PersonaSummary
from cspersona.personas.service import agreement_rates, summary

# A persona run inserts mappings (and updates persona rows in the same transaction); imports
# insert customers; feedback inserts verdicts; an analyst's edit (a rename, a merge moving
# members) updates rows in place and inserts its edit row.
MAPPINGS_WATCHED = (
    Customer.created_at,
    PersonaMapping.assigned_at,
    Persona.version,
    PersonaEdit.created_at,
)
PERSONAS_WATCHED = (
    Persona.version,
    PersonaMapping.assigned_at,
    PersonaFeedback.created_at,
    PersonaEdit.created_at,
)


@dataclass(frozen=True)
class CurrentPersona:
    """A customer, the persona they are mapped to now, how well they fit, where on the map."""

    customer_id: int
    company_name: str
    arr: float | None
    csm_owner: str | None
    persona_id: int
    persona_name: str
    confidence: float
    map_x: float | None
    map_y: float | None


def current_personas(*, db_session: Session) -> dict[int, CurrentPersona]:
    """Every mapped customer's current persona by customer id, best fit first within a persona."""
    return read_models.get(
        db_session, "current_personas", MAPPINGS_WATCHED, lambda: _current_personas(db_session)
    )


def _current_personas(db_session: Session) -> dict[int, CurrentPersona]:
    newest = select(func.max(PersonaMapping.id)).group_by(PersonaMapping.customer_id)
    rows = db_session.execute(
        select(
            Customer.id,
            Customer.company_name,
            Customer.arr,
            Customer.csm_owner,
            Persona.id,
            Persona.name,
            PersonaMapping.confidence_score,
            PersonaMapping.map_x,
            PersonaMapping.map_y,
        )
        .join(PersonaMapping, PersonaMapping.customer_id == Customer.id)
        .join(Persona, Persona.id == PersonaMapping.persona_id)
        .where(PersonaMapping.id.in_(newest))
        .order_by(Persona.id, PersonaMapping.confidence_score.desc(), Customer.id)
    )
    return {row[0]: CurrentPersona(*row) for row in rows}


@dataclass(frozen=True)
class PersonaCatalogue:
    """Every persona by id as a list entry and as a whole profile; active ones first, then by id."""

    summaries: dict[int, PersonaSummary]
    profiles: dict[int, PersonaRead]


def persona_catalogue(*, db_session: Session) -> PersonaCatalogue:
    """Every persona with its profile and CSM agreement, read once per persona run or verdict."""
    return read_models.get(
        db_session, "persona_catalogue", PERSONAS_WATCHED, lambda: _persona_catalogue(db_session)
    )


def _persona_catalogue(db_session: Session) -> PersonaCatalogue:
    rates = agreement_rates(db_session=db_session)
    personas = db_session.scalars(select(Persona).order_by(Persona.active.desc(), Persona.id)).all()
    summaries = {persona.id: summary(persona, rates) for persona in personas}
    profiles = {
        persona.id: PersonaRead.model_validate(persona).model_copy(
            update=summaries[persona.id].model_dump()
        )
        for persona in personas
    }
    return PersonaCatalogue(summaries=summaries, profiles=profiles)
