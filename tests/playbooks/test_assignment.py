"""Arms come from a stable draw: the same on every call, uniform over customers."""

from cspersona.playbooks.assignment import assign_arm, assignment_draw
from cspersona.playbooks.models import Arm


def test_the_draw_is_stable_and_differs_between_playbooks() -> None:
    assert assignment_draw(playbook_id=1, customer_id=7) == assignment_draw(
        playbook_id=1, customer_id=7
    )
    assert assignment_draw(playbook_id=1, customer_id=7) != assignment_draw(
        playbook_id=2, customer_id=7
    )


def test_a_zero_share_holds_nobody_back_and_the_share_is_met_on_average() -> None:
    draws = [assignment_draw(playbook_id=3, customer_id=n) for n in range(10_000)]
    assert all(
        assign_arm(playbook_id=3, customer_id=n, control_share=0.0)[0] is Arm.TREATED
        for n in range(100)
    )
    share = sum(draw < 0.1 for draw in draws) / len(draws)
    assert 0.09 < share < 0.11
