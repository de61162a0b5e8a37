"""Which arm a customer is in: a stable draw from a hash of playbook and customer.

The draw is the same on every run and every machine, so re-entering a customer never moves it
between arms and an analyst can recompute any assignment from the two ids.
"""

import hashlib

from cspersona.playbooks.models import Arm


def assignment_draw(*, playbook_id: int, customer_id: int) -> float:
    """A number in [0, 1), uniform over customers, fixed for this playbook and customer."""
    digest = hashlib.sha256(f"playbook:{playbook_id}:customer:{customer_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def assign_arm(*, playbook_id: int, customer_id: int, control_share: float) -> tuple[Arm, float]:
    """The customer's arm and the draw behind it: held back when the draw is below the share."""
    draw = assignment_draw(playbook_id=playbook_id, customer_id=customer_id)
    return (Arm.HELD_BACK if draw < control_share else Arm.TREATED), draw
