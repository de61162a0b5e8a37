"""The log's kinds and arms in words, the same on the customer page and in the CLI."""

from cspersona.interventions.models import Arm, InterventionKind

KIND_WORDS = {
    InterventionKind.ENTERED: "entered a playbook",
    InterventionKind.EMAIL: "e-mail",
    InterventionKind.CALL: "call",
    InterventionKind.MEETING: "meeting",
    InterventionKind.IN_APP: "in-app message",
    InterventionKind.TRAINING: "training",
    InterventionKind.EXECUTIVE_SPONSOR: "executive sponsor",
    InterventionKind.DISCOUNT: "discount",
    InterventionKind.INTERNAL: "internal note",
    InterventionKind.OTHER: "other",
}
ARM_WORDS = {Arm.TREATED: "treated", Arm.HELD_BACK: "held back (control group)"}
