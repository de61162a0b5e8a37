"""Worlds shared by the synth tests: generating one takes seconds, so each is built once."""

import pytest

from cspersona.catalogue.models import load_catalogue
from cspersona.synth.world import CustomerBundle, World

SMALL_SEED = 20
SMALL_SCALE = 0.3


@pytest.fixture(scope="session")
def small_world() -> World:
    """15 customers per archetype: enough for distributions, quick to build."""
    return World(seed=SMALL_SEED, scale=SMALL_SCALE, catalogue=load_catalogue())


@pytest.fixture(scope="session")
def bundles(small_world: World) -> list[CustomerBundle]:
    """Every customer of :func:`small_world`."""
    return list(small_world.customers())
