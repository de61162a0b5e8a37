"""A customer's latent traits and mixes, drawn around its archetype's."""

from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from cspersona.synth.labels import ConversationKind, Topic
from cspersona.synth.spec import Archetype, Traits

KeyT = TypeVar("KeyT")

# Where each trait may lie: draws are clipped here so that spreads never make nonsense
# (a negative delay, a probability above one).
TRAIT_BOUNDS: dict[str, tuple[float, float]] = {
    "sophistication": (0.0, 1.0),
    "formality": (0.0, 1.0),
    "verbosity": (0.0, 1.0),
    "typo_rate": (0.0, 0.08),
    "enthusiasm": (0.0, 1.0),
    "sentiment_bias": (-3.0, 3.0),
    "escalation_proneness": (0.0, 1.0),
    "patience_hours": (0.5, 96.0),
    "reply_delay_hours": (0.1, 72.0),
    "nps_mean": (0.0, 10.0),
    "usage_growth": (-1.0, 1.5),
    "utilisation": (0.1, 0.95),
    "churn_hazard": (0.05, 10.0),
    "expansion_propensity": (0.0, 10.0),
    "champion_turnover": (0.0, 0.9),
    "plan_tier": (0.0, 1.0),
}
# Weight of a catalogue feature the archetype does not mention (a custom catalogue).
UNLISTED_FEATURE_WEIGHT = 0.02


@dataclass(frozen=True)
class CustomerTraits:
    """One customer's draw: scalar traits plus its own topic, channel and feature mixes."""

    archetype: str
    scalars: Traits[float]
    topics: dict[Topic, float]
    ticket_channels: dict[str, float]
    chat_channels: dict[str, float]
    features: dict[str, float]
    volume_weights: dict[ConversationKind, float]


def sample_traits(
    archetype: Archetype,
    feature_keys: list[str],
    rng: np.random.Generator,
    *,
    mix_concentration: float,
    volume_shape: float,
) -> CustomerTraits:
    """Draw a customer around ``archetype``: normal traits, Dirichlet mixes, gamma volumes."""
    values: dict[str, float] = {}
    for name, trait in archetype.traits:
        low, high = TRAIT_BOUNDS[name]
        values[name] = float(np.clip(rng.normal(trait.mean, trait.spread), low, high))
    feature_weights = {
        key: archetype.features.get(key, UNLISTED_FEATURE_WEIGHT) for key in feature_keys
    }
    return CustomerTraits(
        archetype=archetype.key,
        scalars=Traits[float].model_validate(values),
        topics=_dirichlet(archetype.topics, rng, mix_concentration),
        ticket_channels=_dirichlet(archetype.ticket_channels, rng, mix_concentration),
        chat_channels=_dirichlet(archetype.chat_channels, rng, mix_concentration),
        features=_dirichlet(feature_weights, rng, mix_concentration),
        volume_weights={
            kind: float(rng.gamma(volume_shape, 1.0 / volume_shape)) for kind in ConversationKind
        },
    )


def _dirichlet(
    weights: dict[KeyT, float], rng: np.random.Generator, concentration: float
) -> dict[KeyT, float]:
    keys = list(weights)
    centre = np.array([weights[key] for key in keys], dtype=float)
    draw = rng.dirichlet(centre / centre.sum() * concentration + 1e-3)
    return {key: float(share) for key, share in zip(keys, draw, strict=True)}
