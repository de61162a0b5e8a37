"""External ids: stable, readable, and derived from a customer's index, never from a counter.

A row's id says whose it is (``tkt-00042-007`` is customer 42's seventh ticket), so ids do not
shift when another customer's volume changes, and truth rows join to data rows by id.
"""

from cspersona.synth.labels import ConversationKind

INTERACTION_PREFIXES = {
    ConversationKind.TICKET: "tkt",
    ConversationKind.EMAIL: "eml",
    ConversationKind.CHAT: "cht",
}


def customer_id(index: int) -> str:
    """``cus-00042``."""
    return f"cus-{index:05d}"


def contact_id(index: int, number: int) -> str:
    """``con-00042-1``: the customer's first contact (its champion)."""
    return f"con-{index:05d}-{number}"


def interaction_id(kind: ConversationKind, index: int, number: int) -> str:
    """``tkt-00042-007``: the customer's seventh ticket."""
    return f"{INTERACTION_PREFIXES[kind]}-{index:05d}-{number:03d}"


def message_id(interaction: str, seq: int) -> str:
    """``tkt-00042-007-m03``: the fourth message of that ticket."""
    return f"{interaction}-m{seq:02d}"


def nps_id(index: int, number: int) -> str:
    """``nps-00042-03``: the customer's third NPS answer."""
    return f"nps-{index:05d}-{number:02d}"


def intervention_id(index: int, number: int) -> str:
    """``itv-00042-03``: the third entry of the customer's CSM log."""
    return f"itv-{index:05d}-{number:02d}"
