import math

from cspersona.reports.layout import persona_layout


def test_confident_customers_sit_nearer_their_personas_centre() -> None:
    places = persona_layout([(1, 0.95), (1, 0.2), (2, 0.9)])

    first_centre, second_centre = (1.0, 0.0), (-1.0, 0.0)
    assert math.dist(places[0], first_centre) < math.dist(places[1], first_centre)
    assert math.dist(places[2], second_centre) < 0.2


def test_the_layout_is_deterministic_and_handles_one_persona() -> None:
    members = [(5, 0.5), (5, 0.5), (5, 1.0)]

    assert persona_layout(members) == persona_layout(members)
    assert persona_layout([(5, 1.0)]) == [(0.0, 0.0)]
    assert len(set(persona_layout(members))) == 3
