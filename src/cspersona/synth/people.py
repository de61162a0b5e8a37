"""Companies, their contacts and the vendor's staff, with realistic PII from Faker.

Faker is slow to set up and to call, so it only makes names, company names and phone numbers;
one Faker per locale is built on first use and re-seeded per customer, which keeps every
customer's people independent of the others and reproducible.
"""

import random
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from faker import Faker

from cspersona.synth import ids
from cspersona.synth.spec import Archetype, CompanySpec, Region

VENDOR_LOCALE = "en_US"
DOMAIN_SUFFIXES = {"de_DE": ".de", "fr_FR": ".fr", "nl_NL": ".nl", "en_GB": ".co.uk"}
COMPANY_SUFFIX_WORDS = {"inc", "llc", "ltd", "plc", "gmbh", "ag", "sa", "bv", "and", "group", "co"}


@dataclass(frozen=True)
class Person:
    """Someone who writes messages: a customer contact or a member of the vendor's staff."""

    external_id: str
    first_name: str
    full_name: str
    role: str
    email: str
    phone: str


@dataclass(frozen=True)
class Staff:
    """The vendor's customer success managers and support agents."""

    csms: tuple[Person, ...]
    agents: tuple[Person, ...]


@dataclass(frozen=True)
class Firmographics:
    """What the CRM knows about a customer company apart from names: drawn without Faker."""

    industry: str
    size: str
    region: Region
    contract_start: date
    seats: int
    plan_index: int
    discount: float
    csm: Person


@dataclass(frozen=True)
class Company:
    """A customer company with its name, email domain and contacts (the first is the champion)."""

    external_id: str
    name: str
    domain: str
    firmographics: Firmographics
    contacts: tuple[Person, ...]


class FakerPool:
    """One Faker per locale, created on first use (creating one costs tens of milliseconds)."""

    def __init__(self) -> None:
        """Start empty."""
        self._fakers: dict[str, Faker] = {}

    def seeded(self, locale: str, seed: int) -> Faker:
        """The locale's Faker, re-seeded so what it produces next depends only on ``seed``."""
        faker = self._fakers.get(locale)
        if faker is None:
            faker = self._fakers[locale] = Faker(locale)
        faker.seed_instance(seed)
        return faker


def ascii_slug(text: str, separator: str = "") -> str:
    """Lower-case ASCII letters and digits of ``text`` (``Müller`` -> ``muller``)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = ["".join(char for char in word if char.isalnum()) for word in plain.lower().split()]
    return separator.join(word for word in words if word)


def build_staff(seed: int, spec: CompanySpec, vendor_domain: str, pool: FakerPool) -> Staff:
    """The vendor's CSMs and agents, the same for every customer of one seed."""
    faker = pool.seeded(VENDOR_LOCALE, seed)

    def member(prefix: str, number: int, role: str) -> Person:
        first, last = faker.first_name(), faker.last_name()
        return Person(
            external_id=f"{prefix}-{number:02d}",
            first_name=first,
            full_name=f"{first} {last}",
            role=role,
            email=f"{ascii_slug(first)}.{ascii_slug(last)}@{vendor_domain}",
            phone=faker.phone_number(),
        )

    return Staff(
        csms=tuple(
            member("csm", number, "Customer Success Manager")
            for number in range(1, spec.csm_count + 1)
        ),
        agents=tuple(
            member("agent", number, "Support Engineer") for number in range(1, spec.agent_count + 1)
        ),
    )


def draw_firmographics(
    *,
    archetype: Archetype,
    spec: CompanySpec,
    window_start: date,
    plan_count: int,
    plan_tier: float,
    staff: Staff,
    rng: random.Random,
) -> Firmographics:
    """Industry, size, region, contract and CSM of a company of ``archetype``."""
    size = _weighted(archetype.sizes, rng)
    low, high = spec.seats_by_size[size]
    if rng.random() < spec.new_customer_share:
        contract_start = window_start + timedelta(days=rng.randrange(0, 200))
    else:
        contract_start = window_start - timedelta(
            days=rng.randrange(30, int(spec.history_years * 365))
        )
    return Firmographics(
        industry=_weighted(archetype.industries, rng),
        size=size,
        region=rng.choices(spec.regions, weights=[region.weight for region in spec.regions])[0],
        contract_start=contract_start,
        seats=round(low * (high / low) ** rng.random()),
        plan_index=min(plan_count - 1, round(plan_tier * (plan_count - 1))),
        discount=round(rng.uniform(0, spec.max_discount), 2),
        csm=rng.choice(staff.csms),
    )


def build_company(
    *,
    index: int,
    firmographics: Firmographics,
    archetype: Archetype,
    spec: CompanySpec,
    pool: FakerPool,
    rng: random.Random,
) -> Company:
    """Name the company and its contacts with Faker, in a locale of its region."""
    locale = rng.choice(firmographics.region.locales)
    faker = pool.seeded(locale, rng.getrandbits(63))
    name = faker.company()
    domain = _company_domain(name, locale)
    contacts = tuple(
        _contact(
            faker,
            external_id=ids.contact_id(index, number),
            role=rng.choice(archetype.roles) if number <= 2 else rng.choice(spec.extra_roles),
            domain=domain,
        )
        for number in range(1, spec.contacts_by_size[firmographics.size] + 1)
    )
    return Company(
        external_id=ids.customer_id(index),
        name=name,
        domain=domain,
        firmographics=firmographics,
        contacts=contacts,
    )


def _contact(faker: Faker, *, external_id: str, role: str, domain: str) -> Person:
    first, last = faker.first_name(), faker.last_name()
    return Person(
        external_id=external_id,
        first_name=first,
        full_name=f"{first} {last}",
        role=role,
        email=f"{ascii_slug(first)}.{ascii_slug(last, '-')}@{domain}",
        phone=faker.phone_number(),
    )


def _company_domain(name: str, locale: str) -> str:
    words = [
        word
        for word in ascii_slug(name.replace("-", " ").replace(",", " "), " ").split()
        if word not in COMPANY_SUFFIX_WORDS
    ]
    stem = "".join(words[:2]) or "company"
    return stem + DOMAIN_SUFFIXES.get(locale, ".com")


def _weighted(weights: dict[str, float], rng: random.Random) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[key] for key in keys])[0]
