"""The world: which customer has which archetype and volume, and each customer's full bundle.

Planning is cheap and deterministic: archetypes are dealt to customer indices in a shuffled order
(so ids say nothing about archetypes), and each archetype's conversation volume is shared among
its customers in proportion to their own propensity and to how long they are observed. Building a
customer then derives everything from random streams keyed by (seed, index), so customers are
produced one at a time and never held together in memory.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np

from cspersona.catalogue.models import Catalogue
from cspersona.customers.models import LifecycleKind
from cspersona.exceptions import BadInput, ConfigError
from cspersona.synth.composer import Composer
from cspersona.synth.conversations import ConversationWriter, Customer, Drift
from cspersona.synth.grammar import Grammar, load_grammar
from cspersona.synth.labels import ConversationKind
from cspersona.synth.life import Contract, ContractEvent, Life, next_anniversary, simulate_life
from cspersona.synth.logbook import log_rows
from cspersona.synth.nps import nps_rows
from cspersona.synth.people import (
    Company,
    FakerPool,
    Firmographics,
    ascii_slug,
    build_company,
    build_staff,
    draw_firmographics,
)
from cspersona.synth.randomness import Stream, integer_seed, numpy_rng, python_rng
from cspersona.synth.spec import Archetype, WorldSpec, load_archetypes, load_world
from cspersona.synth.traits import CustomerTraits, sample_traits
from cspersona.synth.usage import usage_rows

MAX_SCALE = 1000.0
LANGUAGE = "en"
# A planted drift falls between this many days after the customer's first day and this many
# days before their last, so both habits leave a record.
DRIFT_MARGIN_DAYS = 60


@dataclass(frozen=True)
class PlannedCustomer:
    """A customer index, its archetype and how many conversations of each kind it has."""

    index: int
    archetype: Archetype
    counts: dict[ConversationKind, int]


@dataclass
class CustomerBundle:
    """Every row one customer contributes, to the dataset and to the truth."""

    archetype: str
    data: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    truth: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # The CSMs' log (interventions.csv): a file of its own, not an entity the loader inserts.
    interventions: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class _Core:
    """The cheap, Faker-free part of a customer: what planning needs, recomputed when built."""

    traits: CustomerTraits
    firmographics: Firmographics
    life: Life


class World:
    """A synthetic customer base for one seed and scale."""

    def __init__(
        self,
        *,
        seed: int,
        scale: float,
        catalogue: Catalogue,
        spec: WorldSpec | None = None,
        archetypes: tuple[Archetype, ...] | None = None,
        grammar: Grammar | None = None,
        drift_share: float = 0.0,
    ) -> None:
        """Check the inputs and prepare what every customer shares (staff, phrase banks).

        ``drift_share`` of the customers change habits once (see :meth:`_drift`); 0 plants none
        and leaves every other draw, so the world's bytes, as they were.
        """
        if seed < 0:
            raise BadInput(f"--seed must be 0 or more, not {seed}")
        if not 0 < scale <= MAX_SCALE:
            raise BadInput(f"--scale must be above 0 and at most {MAX_SCALE:g}, not {scale:g}")
        if not 0 <= drift_share <= 1:
            raise BadInput(f"--drift must be between 0 and 1, not {drift_share:g}")
        self.seed, self.scale, self.catalogue = seed, scale, catalogue
        self.drift_share = drift_share
        self.spec = spec or load_world()
        self.archetypes = archetypes or load_archetypes()
        self.grammar = grammar or load_grammar()
        known = {archetype.key for archetype in self.archetypes}
        for programme in self.spec.programmes:
            unknown = sorted(set(programme.archetypes) - known)
            if unknown:
                raise ConfigError(
                    f"programme {programme.playbook!r} serves unknown archetypes: "
                    + ", ".join(unknown)
                )
        self.pool = FakerPool()
        self.vendor_domain = f"{ascii_slug(catalogue.product) or 'vendor'}.com"
        self.staff = build_staff(
            integer_seed(seed, Stream.STAFF),
            self.spec.company,
            self.vendor_domain,
            self.pool,
        )
        self.writer = ConversationWriter(self.spec.dialogue, Composer(self.grammar), catalogue)

    @property
    def window_start(self) -> date:
        """The first day of the world."""
        return self.spec.window_start

    @property
    def window_end(self) -> date:
        """The last day of the world."""
        return self.spec.window_end

    def _dealt(self) -> list[int]:
        """Each customer's archetype position, in index order (shuffled, so ids say nothing)."""
        per_archetype = max(1, round(self.spec.customers_per_archetype * self.scale))
        ordered = np.repeat(np.arange(len(self.archetypes)), per_archetype)
        dealt: list[int] = numpy_rng(self.seed, Stream.PLAN).permutation(ordered).tolist()
        return dealt

    def lives(self) -> Iterator[tuple[Archetype, Life]]:
        """Every customer's archetype and life alone, in index order, exactly as built.

        No company, text, usage or NPS: what a benchmark of the programmes needs, fast.
        """
        for offset, position in enumerate(self._dealt()):
            archetype = self.archetypes[position]
            yield archetype, self._core(offset + 1, archetype).life

    def plan(self) -> list[PlannedCustomer]:
        """Every customer's archetype and conversation counts, in index order."""
        dealt = self._dealt()
        members: dict[int, list[int]] = {position: [] for position in range(len(self.archetypes))}
        for offset, position in enumerate(dealt):
            members[position].append(offset + 1)
        counts: dict[int, dict[ConversationKind, int]] = {}
        for position, indices in members.items():
            archetype = self.archetypes[position]
            cores = [self._core(index, archetype) for index in indices]
            for kind_number, kind in enumerate(ConversationKind):
                total = round(self.spec.volume[kind] * archetype.volume[kind] * self.scale)
                weights = np.array(
                    [
                        core.traits.volume_weights[kind] * max(core.life.active_days, 1)
                        for core in cores
                    ]
                )
                shares = numpy_rng(self.seed, Stream.PLAN, position, kind_number).multinomial(
                    total, weights / weights.sum()
                )
                for index, share in zip(indices, shares, strict=True):
                    counts.setdefault(index, {})[kind] = int(share)
        return [
            PlannedCustomer(offset + 1, self.archetypes[position], counts[offset + 1])
            for offset, position in enumerate(dealt)
        ]

    def customers(self) -> Iterator[CustomerBundle]:
        """Every customer's bundle, one at a time."""
        for planned in self.plan():
            yield self.build(planned)

    def _core(self, index: int, archetype: Archetype) -> _Core:
        spec, plans = self.spec, self.catalogue.plans
        programmes = [
            programme for programme in spec.programmes if archetype.key in programme.archetypes
        ]
        traits = sample_traits(
            archetype,
            self.catalogue.feature_keys,
            numpy_rng(self.seed, Stream.TRAITS, index),
            mix_concentration=spec.mix_concentration,
            volume_shape=spec.volume_shape,
        )
        firmographics = draw_firmographics(
            archetype=archetype,
            spec=spec.company,
            window_start=spec.window_start,
            plan_count=len(plans),
            plan_tier=traits.scalars.plan_tier,
            staff=self.staff,
            rng=python_rng(self.seed, Stream.COMPANY, index),
        )
        life = simulate_life(
            traits=traits,
            spec=spec.life,
            contract_start=firmographics.contract_start,
            initial=Contract(firmographics.seats, firmographics.plan_index, firmographics.discount),
            plan_count=len(plans),
            window_start=spec.window_start,
            window_end=spec.window_end,
            rng=numpy_rng(self.seed, Stream.LIFE, index),
            programmes=programmes,
            programme_rng=numpy_rng(self.seed, Stream.PROGRAMMES, index) if programmes else None,
        )
        return _Core(traits, firmographics, life)

    def build(self, planned: PlannedCustomer) -> CustomerBundle:
        """Everything one customer contributes to the dataset and to the truth."""
        index, archetype = planned.index, planned.archetype
        core = self._core(index, archetype)
        traits, life = core.traits, core.life
        company = build_company(
            index=index,
            firmographics=core.firmographics,
            archetype=archetype,
            spec=self.spec.company,
            pool=self.pool,
            rng=python_rng(self.seed, Stream.PEOPLE, index),
        )
        cutoff = life.churned_at or datetime.combine(
            self.window_end + timedelta(days=1), time(0), tzinfo=UTC
        )
        drift = self._drift(index, archetype, life)
        customer = Customer(index, traits, company, life, self.staff.agents, cutoff, drift)
        conversations = self.writer.write(
            customer, planned.counts, python_rng(self.seed, Stream.CONVERSATIONS, index)
        )
        nps_rng = python_rng(self.seed, Stream.NPS, index)
        nps, nps_truth = nps_rows(
            index=index,
            company=company,
            traits=traits,
            life=life,
            cutoff=cutoff,
            spec=self.spec.nps,
            phrases=self.grammar.nps,
            nouns=self.grammar.pools.nouns,
            facts=self._nps_facts(traits, nps_rng),
            rng=nps_rng,
        )
        usage = usage_rows(
            customer_external_id=company.external_id,
            life=life,
            traits=traits,
            contract_start=core.firmographics.contract_start,
            onboarding_days=self.spec.life.onboarding_days,
            spec=self.spec.usage,
            rng=numpy_rng(self.seed, Stream.USAGE, index),
        )
        final = life.events[-1].before if life.churned_at else life.contract_on(self.window_end)
        log, log_truth = log_rows(
            index=index,
            external_id=company.external_id,
            csm=core.firmographics.csm.full_name,
            entries=life.entries,
            cutoff=cutoff,
            value=self.annual_value,
            rng=python_rng(self.seed, Stream.INTERVENTIONS, index),
        )
        return CustomerBundle(
            archetype=archetype.key,
            data={
                "customers": [self._customer_row(company, life, final)],
                "contacts": [
                    {
                        "external_id": person.external_id,
                        "customer_external_id": company.external_id,
                        "name": person.full_name,
                        "role": person.role,
                        "email": person.email,
                        "phone": person.phone,
                    }
                    for person in company.contacts
                ],
                "interactions": conversations.interactions,
                "messages": conversations.messages,
                "nps_responses": nps,
                "usage_daily": usage,
                "lifecycle_events": [
                    self._lifecycle_row(company.external_id, event) for event in life.events
                ],
            },
            truth={
                "customers": [self._truth_row(company.external_id, archetype, traits, life, drift)],
                "interactions": conversations.truth_interactions,
                "messages": conversations.truth_messages,
                "nps_responses": nps_truth,
                "interventions": log_truth,
            },
            interventions=log,
        )

    def _drift(self, index: int, archetype: Archetype, life: Life) -> Drift | None:
        """A planted change of habits, for ``drift_share`` of the customers, or None.

        It stands for a new champion, or a team grown into another way of working: from a day
        drawn uniformly inside the customer's observed life (at least ``DRIFT_MARGIN_DAYS`` from
        either end), they write, choose channels and topics like a customer of another archetype,
        drawn uniformly. Usage, NPS and the contract keep the first archetype's course.
        """
        if not self.drift_share:
            return None
        rng = numpy_rng(self.seed, Stream.DRIFT, index)
        latest = life.active_days - DRIFT_MARGIN_DAYS
        if rng.random() >= self.drift_share or latest <= DRIFT_MARGIN_DAYS:
            return None
        others = [other for other in self.archetypes if other.key != archetype.key]
        later = others[int(rng.integers(len(others)))]
        traits = sample_traits(
            later,
            self.catalogue.feature_keys,
            rng,
            mix_concentration=self.spec.mix_concentration,
            volume_shape=self.spec.volume_shape,
        )
        day = life.start + timedelta(days=int(rng.integers(DRIFT_MARGIN_DAYS, latest)))
        return Drift(day, traits)

    def annual_value(self, contract: Contract) -> float:
        """A contract's ARR in USD at this world's prices."""
        return contract.annual_value(self.spec.company.seat_price_range, len(self.catalogue.plans))

    def _customer_row(self, company: Company, life: Life, final: Contract) -> dict[str, Any]:
        firmographics = company.firmographics
        last_day = life.end - timedelta(days=1)
        return {
            "external_id": company.external_id,
            "company_name": company.name,
            "industry": firmographics.industry,
            "size": firmographics.size,
            "plan": self.catalogue.plans[final.plan_index],
            "arr": self.annual_value(final),
            "region": firmographics.region.name,
            "language": LANGUAGE,
            "contract_start": firmographics.contract_start,
            "renewal_date": next_anniversary(firmographics.contract_start, last_day),
            "csm_owner": firmographics.csm.full_name,
        }

    def _lifecycle_row(self, customer_external_id: str, event: ContractEvent) -> dict[str, Any]:
        before, after = self.annual_value(event.before), self.annual_value(event.after)
        plans = self.catalogue.plans
        if event.kind is LifecycleKind.RENEWED:
            amount, note = after, "renewed for 12 months"
        elif event.kind is LifecycleKind.CHURNED:
            amount, note = -before, "cancelled"
        elif event.before.plan_index != event.after.plan_index:
            amount = round(after - before, 2)
            note = f"{plans[event.before.plan_index]} to {plans[event.after.plan_index]}"
        else:
            amount = round(after - before, 2)
            note = f"{event.before.seats} to {event.after.seats} seats"
        return {
            "customer_external_id": customer_external_id,
            "kind": event.kind.value,
            "at": event.at,
            "amount": amount,
            "note": note,
        }

    def _truth_row(
        self,
        external_id: str,
        archetype: Archetype,
        traits: CustomerTraits,
        life: Life,
        drift: Drift | None,
    ) -> dict[str, Any]:
        return {
            "external_id": external_id,
            "archetype": archetype.key,
            "drifted_on": drift.on if drift else None,
            "drifted_to": drift.traits.archetype if drift else None,
            "churned_at": life.churned_at,
            "expansion_dates": [
                event.at for event in life.events if event.kind is LifecycleKind.EXPANDED
            ],
            "champion_left_at": life.champion_left_at,
            "traits": {name: round(value, 4) for name, value in traits.scalars},
        }

    def _nps_facts(self, traits: CustomerTraits, rng: random.Random) -> dict[str, str]:
        """What NPS comments may name: the product, the customer's favourite feature, a rival."""
        features = {feature.key: feature.name for feature in self.catalogue.features}
        favourite = max(traits.features, key=traits.features.__getitem__)
        return {
            "product": self.catalogue.product,
            "feature": features[favourite],
            "competitor": rng.choice(self.catalogue.competitors or ["the competition"]),
        }
