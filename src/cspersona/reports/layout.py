"""Where each customer sits on the persona map, from their persona and confidence alone.

Personas sit evenly on a circle; a persona's customers spiral around its centre, the most
confident nearest it. Deterministic, so the map stays put between page loads.
"""

import math
from collections import defaultdict
from collections.abc import Sequence

GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
SPREAD = 0.8


def persona_layout(members: Sequence[tuple[int, float]]) -> list[tuple[float, float]]:
    """(x, y) for each ``(persona_id, confidence)`` in order; nearer the centre when confident."""
    personas = sorted({persona_id for persona_id, _ in members})
    centres = {
        persona_id: (
            math.cos(2 * math.pi * index / len(personas)),
            math.sin(2 * math.pi * index / len(personas)),
        )
        if len(personas) > 1
        else (0.0, 0.0)
        for index, persona_id in enumerate(personas)
    }
    seen: dict[int, int] = defaultdict(int)
    places = []
    for persona_id, confidence in members:
        rank = seen[persona_id]
        seen[persona_id] += 1
        radius = SPREAD * (1 - min(max(confidence, 0.0), 1.0)) + 0.02 * math.sqrt(rank)
        angle = rank * GOLDEN_ANGLE
        centre_x, centre_y = centres[persona_id]
        places.append(
            (
                round(centre_x + radius * math.cos(angle), 4),
                round(centre_y + radius * math.sin(angle), 4),
            )
        )
    return places
