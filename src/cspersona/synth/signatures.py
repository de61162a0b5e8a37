"""Greetings and signature blocks with the character span of every name, phone and e-mail in them.

Most names ingestion meets sit in a message's frame: "Hi Anna," above it, and below it a sign-off,
the name, a job title and company ("Head of Operations, Stevens, Howard and Anderson") and
labelled contact lines ("Tel: +1 ..."), where sign-offs, field labels, job titles and company
names stand next to the names. This set frames a short message
with the world's own greetings, closings and signatures (``data/grammar/frames.yaml``,
``staff.yaml``) and its own people (``people.py``), adds shapes real mail has that the world does
not write yet (a title and surname, labelled contact lines), and records where each PERSON,
PHONE_NUMBER and EMAIL_ADDRESS landed: the truth PII detection is measured against.
"""

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from string import Formatter

from cspersona.catalogue.models import Catalogue
from cspersona.pii.entities import EntityType
from cspersona.pii.evaluation import LabelledSpan
from cspersona.synth.conversations import GROUP_ADDRESSEES
from cspersona.synth.fillers import Fillers
from cspersona.synth.grammar import Grammar, load_grammar
from cspersona.synth.labels import Sentiment
from cspersona.synth.people import (
    Company,
    FakerPool,
    Person,
    Staff,
    ascii_slug,
    build_company,
    build_staff,
    draw_firmographics,
)
from cspersona.synth.randomness import Stream, integer_seed, python_rng
from cspersona.synth.spec import Archetype, WorldSpec, load_archetypes, load_world

# Shapes of real mail the world's grammar does not write: a title and family name in the
# greeting, and contact lines with their labels ("Mobile:", "E:").
FORMAL_GREETINGS = ("Dear {to_title} {to_last},", "Hello {to_title} {to_last},", "Dear {to_full},")
LABELLED_SIGNATURES = (
    "{me_full}\n{me_role}\n{company}\nMobile: {me_phone}\nEmail: {me_email}",
    "{me_full} | {me_role}\n{company}\nT: {me_phone}\nE: {me_email}",
    "{me_first}\n\n{me_full}\n{me_role} at {company}\nTel: {me_phone}",
    "{me_full}\n{me_role}\nM: {me_phone} | E: {me_email}\n{company}",
    "{me_full}, {me_role}\n{company}\nDirect: {me_phone}\nMobile: {me_phone}",
)
TITLES = ("Mr", "Ms", "Mrs", "Dr")
FORMAL_GREETING_SHARE = 0.25
LABELLED_SIGNATURE_SHARE = 0.35
STAFF_SHARE = 0.4
ENTITY_OF_FIELD = {
    **dict.fromkeys(
        ("me_first", "me_full", "agent_first", "agent_full", "csm_first", "csm_full"),
        EntityType.PERSON,
    ),
    **dict.fromkeys(("to_first", "to_last", "to_full"), EntityType.PERSON),
    **dict.fromkeys(("me_phone", "csm_phone"), EntityType.PHONE_NUMBER),
    **dict.fromkeys(("me_email", "csm_email"), EntityType.EMAIL_ADDRESS),
}
MOMENT = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)


@dataclass(frozen=True)
class LabelledText:
    """A framed message, its PII spans, and what ingestion would know about its customer."""

    text: str
    spans: tuple[LabelledSpan, ...]
    company_name: str
    contact_names: tuple[str, ...]


@dataclass
class _Writer:
    """Text being written, with the spans of the PII placed into it."""

    parts: list[str] = field(default_factory=list)
    spans: list[LabelledSpan] = field(default_factory=list)
    length: int = 0

    def write(self, text: str, entity_type: EntityType | None = None) -> None:
        if entity_type is not None and text:
            self.spans.append(LabelledSpan(entity_type.value, self.length, self.length + len(text)))
        self.parts.append(text)
        self.length += len(text)

    def fill(self, template: str, values: Mapping[str, str]) -> None:
        """``template`` with its placeholders filled; PII placeholders leave a span."""
        for literal, name, _format_spec, _conversion in Formatter().parse(template):
            self.write(literal)
            if name is not None:
                value = values[name]
                entity_type = ENTITY_OF_FIELD.get(name)
                if name == "to_first" and value in GROUP_ADDRESSEES:
                    entity_type = None  # "Hi team," greets no one in particular
                self.write(value, entity_type)


class SignatureSet:
    """Builds labelled framed messages for one seed, from the world's grammar and people."""

    def __init__(
        self,
        *,
        seed: int,
        catalogue: Catalogue,
        spec: WorldSpec | None = None,
        archetypes: tuple[Archetype, ...] | None = None,
        grammar: Grammar | None = None,
    ) -> None:
        """The staff and phrase banks a world of ``seed`` would have."""
        self.seed, self.catalogue = seed, catalogue
        self.spec = spec or load_world()
        self.archetypes = archetypes or load_archetypes()
        self.grammar = grammar or load_grammar()
        self.pool = FakerPool()
        vendor_domain = f"{ascii_slug(catalogue.product) or 'vendor'}.com"
        self.staff: Staff = build_staff(
            integer_seed(seed, Stream.STAFF), self.spec.company, vendor_domain, self.pool
        )

    def samples(self, count: int) -> list[LabelledText]:
        """``count`` framed messages, each from a different customer company."""
        return [self.sample(index) for index in range(count)]

    def sample(self, index: int) -> LabelledText:
        """One framed message: a contact writing to staff, or staff writing to a contact."""
        rng = python_rng(self.seed, Stream.SIGNATURES, index)
        company = self._company(index, rng)
        contact = rng.choice(company.contacts)
        if rng.random() < STAFF_SHARE:
            writer = self._staff_message(rng, company, contact)
        else:
            writer = self._customer_message(rng, company, contact)
        return LabelledText(
            "".join(writer.parts),
            tuple(writer.spans),
            company.name,
            tuple(person.full_name for person in company.contacts),
        )

    def _company(self, index: int, rng: random.Random) -> Company:
        archetype = rng.choice(self.archetypes)
        firmographics = draw_firmographics(
            archetype=archetype,
            spec=self.spec.company,
            window_start=self.spec.window_start,
            plan_count=len(self.catalogue.plans),
            plan_tier=rng.random(),
            staff=self.staff,
            rng=rng,
        )
        return build_company(
            index=index,
            firmographics=firmographics,
            archetype=archetype,
            spec=self.spec.company,
            pool=self.pool,
            rng=rng,
        )

    def _values(
        self, rng: random.Random, company: Company, contact: Person, addressee: Person | None
    ) -> dict[str, str]:
        agent = rng.choice(self.staff.agents)
        csm = company.firmographics.csm
        values = {
            "product": self.catalogue.product,
            "company": company.name,
            "ticket": f"#{rng.randint(10000, 99999)}",
            "me_first": contact.first_name,
            "me_full": contact.full_name,
            "me_role": contact.role,
            "me_phone": contact.phone,
            "me_email": contact.email,
            "agent_first": agent.first_name,
            "agent_full": agent.full_name,
            "csm_first": csm.first_name,
            "csm_full": csm.full_name,
            "csm_phone": csm.phone,
            "csm_email": csm.email,
            "to_title": rng.choice(TITLES),
        }
        if addressee is None:
            values["to_first"] = rng.choice(GROUP_ADDRESSEES)
        else:
            values["to_first"] = addressee.first_name
            values["to_full"] = addressee.full_name
            values["to_last"] = addressee.full_name.removeprefix(addressee.first_name).strip()
        return values

    def _customer_message(self, rng: random.Random, company: Company, contact: Person) -> _Writer:
        frames = self.grammar.frames
        knows_staff = rng.random() < 0.8
        addressee = (
            rng.choice((company.firmographics.csm, *self.staff.agents)) if knows_staff else None
        )
        values = self._values(rng, company, contact, addressee)
        formality = rng.random()
        greeting = (
            rng.choice(FORMAL_GREETINGS)
            if addressee is not None and rng.random() < FORMAL_GREETING_SHARE
            else frames.greeting.pick(rng, formality)
        )
        signature = (
            rng.choice(LABELLED_SIGNATURES)
            if rng.random() < LABELLED_SIGNATURE_SHARE
            else frames.signature.pick(rng, formality)
        )
        body = self.grammar.customer.chase[Sentiment.NEUTRAL].pick(rng, "any")
        return self._framed(
            rng, values, greeting, body, frames.closing.pick(rng, formality), signature
        )

    def _staff_message(self, rng: random.Random, company: Company, contact: Person) -> _Writer:
        staff, signatures = self.grammar.staff, self.grammar.frames.staff_signature
        values = self._values(rng, company, contact, contact)
        greeting = (
            rng.choice(FORMAL_GREETINGS)
            if rng.random() < FORMAL_GREETING_SHARE
            else rng.choice(staff.greeting)
        )
        body = f"{rng.choice(staff.acknowledge)} {rng.choice(staff.next_steps)}"
        signature = rng.choice(signatures.csm + signatures.agent)
        return self._framed(rng, values, greeting, body, rng.choice(staff.closing), signature)

    def _framed(
        self,
        rng: random.Random,
        values: dict[str, str],
        greeting: str,
        body: str,
        closing: str,
        signature: str,
    ) -> _Writer:
        """Greeting, body, closing and signature laid out as the composer lays out an email."""
        writer = _Writer()
        writer.fill(greeting, values)
        writer.write("\n\n")
        writer.write(Fillers(values, rng, MOMENT, self.grammar.pools.nouns).render(body))
        writer.write("\n\n")
        writer.fill(closing, values)
        writer.write("\n")
        writer.fill(signature, values)
        return writer


def labelled_signatures(seed: int, count: int, catalogue: Catalogue) -> list[LabelledText]:
    """``count`` labelled framed messages of a world of ``seed``."""
    return SignatureSet(seed=seed, catalogue=catalogue).samples(count)
