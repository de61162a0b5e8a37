"""CSM programmes inside a customer's life: who enters, in which arm, and what treatment changes.

A programme notices a risk episode a few weeks after it starts, before anyone knows how it will
end, so entry never depends on the outcome. Every draw comes from the customer's own programme
stream, and three are made for each (episode, programme) considered whatever they decide: the
life stream is untouched, so a customer who is never treated lives exactly as in a world
without programmes, and the held-back arm is the untreated life the effect is measured against.
"""

from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from cspersona.interventions.models import Arm
from cspersona.synth.spec import ProgrammeSpec

# The window the truth's potential outcomes cover, from the day of entry.
HORIZON = timedelta(days=90)


@dataclass(frozen=True)
class Enrolment:
    """A programme's decision for one episode: the arm, and whether treatment averts its churn."""

    programme: ProgrammeSpec
    arm: Arm
    saved: bool


def enrol(
    programmes: list[ProgrammeSpec], since_onset: int, rng: np.random.Generator
) -> Enrolment | None:
    """The first programme that takes an episode ``since_onset`` weeks old, if any does."""
    for programme in programmes:
        if since_onset != programme.notice_weeks:
            continue
        enter, arm_draw, save = (float(draw) for draw in rng.random(3))
        if enter < programme.entry_probability:
            arm = Arm.HELD_BACK if arm_draw < programme.held_back_share else Arm.TREATED
            return Enrolment(
                programme, arm, arm is Arm.TREATED and save < programme.churn_reduction
            )
    return None
