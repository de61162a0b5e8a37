"""Independent, reproducible random streams keyed by (seed, purpose, customer index).

Every customer draws from its own generators, so a customer's data does not depend on how many
customers came before it or on the order things are computed in, and the same seed always gives
the same bytes.
"""

import random
from enum import IntEnum

import numpy as np


class Stream(IntEnum):
    """What a random stream is used for; part of its key so the streams never overlap."""

    PLAN = 1
    TRAITS = 2
    LIFE = 3
    COMPANY = 4
    USAGE = 5
    CONVERSATIONS = 6
    NPS = 7
    STAFF = 8
    PEOPLE = 9
    SIGNATURES = 10
    DRIFT = 11
    PROGRAMMES = 12
    INTERVENTIONS = 13


def _sequence(seed: int, key: tuple[int, ...]) -> np.random.SeedSequence:
    # SeedSequence pads short entropy with zeros, so (7, 1) and (7, 1, 0) would be the same
    # stream; ending every key with its (non-zero) length keeps distinct keys distinct.
    return np.random.SeedSequence([seed, *key, len(key) + 1])


def numpy_rng(seed: int, *key: int) -> np.random.Generator:
    """A numpy generator for ``(seed, *key)``: vectorised draws (usage, latent states)."""
    return np.random.default_rng(_sequence(seed, key))


def python_rng(seed: int, *key: int) -> random.Random:
    """A ``random.Random`` for ``(seed, *key)``: fast scalar picks (text composition)."""
    state = _sequence(seed, key).generate_state(2, dtype=np.uint64)
    return random.Random((int(state[0]) << 64) | int(state[1]))


def integer_seed(seed: int, *key: int) -> int:
    """A non-negative integer for ``(seed, *key)``, for libraries seeded by one number (Faker)."""
    return int(_sequence(seed, key).generate_state(1, dtype=np.uint32)[0])
