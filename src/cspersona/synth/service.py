"""Generating a world: plan it, build each customer in turn and hand it to every sink."""

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from cspersona.synth.world import CustomerBundle, World


class Sink(Protocol):
    """Where customer bundles go: a dataset folder, the database."""

    def write(self, bundle: CustomerBundle) -> None:
        """Take one customer's rows."""


@dataclass
class GenerationSummary:
    """What a run produced: rows per entity and customers per archetype."""

    seed: int
    scale: float
    rows: dict[str, int] = field(default_factory=dict)
    archetypes: dict[str, int] = field(default_factory=dict)


def generate(
    *,
    world: World,
    sinks: Sequence[Sink],
    on_progress: Callable[[int, int], None] | None = None,
) -> GenerationSummary:
    """Build ``world`` customer by customer into every sink."""
    planned = world.plan()
    rows: Counter[str] = Counter()
    archetypes: Counter[str] = Counter()
    for done, customer in enumerate(planned, start=1):
        bundle = world.build(customer)
        for sink in sinks:
            sink.write(bundle)
        rows.update({entity: len(entity_rows) for entity, entity_rows in bundle.data.items()})
        archetypes[bundle.archetype] += 1
        if on_progress is not None:
            on_progress(done, len(planned))
    return GenerationSummary(
        seed=world.seed,
        scale=world.scale,
        rows=dict(rows),
        archetypes={archetype.key: archetypes[archetype.key] for archetype in world.archetypes},
    )
