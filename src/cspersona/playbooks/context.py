"""What a message template knows about a customer: names, dates, money, risk and register.

The register (formal or casual, technical or not) comes from the customer's persona, so one
template greets a formal buyer with "Dear ..." and a casual one with "Hi ...".
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.customers.models import Contact, Customer
from cspersona.personas.models import Persona, PersonaMapping
from cspersona.predict.drivers import effect_words
from cspersona.predict.models import ChurnScore


@dataclass(frozen=True)
class Register:
    """How to write to a persona: formally or casually, with technical detail or without."""

    formal: bool = True
    technical: bool = False

    @property
    def words(self) -> str:
        """The register in words, for previews."""
        tone = "formal" if self.formal else "casual"
        depth = "technical" if self.technical else "non-technical"
        return f"{tone}, {depth}"


def register_of(persona: Persona | None) -> Register:
    """The persona's register; formal and non-technical when its style is unknown (safe side)."""
    if persona is None:
        return Register()
    style = persona.style
    formality = style.formality.score if style.formality else 0.0
    technical = style.technical_level.score if style.technical_level else 0.0
    return Register(formal=formality >= 0.0, technical=technical > 0.0)


def current_persona(db_session: Session, customer_id: int) -> Persona | None:
    """The customer's persona as last placed, followed through merges."""
    persona = db_session.scalar(
        select(Persona)
        .join(PersonaMapping, PersonaMapping.persona_id == Persona.id)
        .where(PersonaMapping.customer_id == customer_id)
        .order_by(PersonaMapping.assigned_at.desc(), PersonaMapping.id.desc())
        .limit(1)
    )
    seen: set[int] = set()
    while persona is not None and persona.merged_into_id is not None and persona.id not in seen:
        seen.add(persona.id)
        persona = db_session.get(Persona, persona.merged_into_id)
    return persona


def message_context(db_session: Session, customer: Customer, *, today: date) -> dict[str, object]:
    """The template variables for ``customer`` (see ``rendering.VARIABLES``); None where unknown."""
    persona = current_persona(db_session, customer.id)
    register = register_of(persona)
    contact = db_session.scalars(
        select(Contact)
        .where(Contact.customer_id == customer.id, Contact.name.is_not(None))
        .order_by(Contact.id)
        .limit(1)
    ).first()
    contact_name = contact.name if contact else None
    first_name = contact_name.split()[0] if contact_name else None
    score = db_session.scalars(
        select(ChurnScore)
        .where(ChurnScore.customer_id == customer.id)
        .order_by(ChurnScore.scored_at.desc(), ChurnScore.horizon_days.desc())
        .limit(1)
    ).first()
    drivers = score.drivers if score else []
    renewal = customer.renewal_date
    return {
        "company": customer.company_name,
        "contact_first_name": first_name,
        "contact_name": contact_name,
        "csm_name": customer.csm_owner,
        "renewal_date": f"{renewal.day} {renewal:%B %Y}" if renewal else None,
        "days_to_renewal": (renewal - today).days if renewal and renewal >= today else None,
        "arr": f"${customer.arr:,.0f}" if customer.arr is not None else None,
        "plan": customer.plan,
        "persona": persona.name if persona else None,
        "risk_tier": score.risk_tier if score else None,
        "top_driver": _driver_words(drivers[0]) if drivers else None,
        "greeting": _greeting(register, contact_name, first_name, customer.company_name),
        "sign_off": "Kind regards," if register.formal else "Thanks,",
        "formal": register.formal,
        "technical": register.technical,
    }


def _driver_words(driver: dict[str, Any]) -> str | None:
    """A driver's value in words, without the model's verdict ("strongly raises churn risk")."""
    if driver.get("plain"):
        return str(driver["plain"])
    phrase = driver.get("phrase")
    if not phrase:
        return None
    return str(phrase).removesuffix(": " + effect_words(float(driver.get("contribution", 0.0))))


def _greeting(register: Register, full: str | None, first: str | None, company: str) -> str:
    """``Dear Ana Ruiz,`` or ``Hi Ana,``; the company's team when no contact has a name."""
    if register.formal:
        return f"Dear {full}," if full else f"Dear {company} team,"
    return f"Hi {first}," if first else f"Hi {company} team,"
