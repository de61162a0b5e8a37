"""Values for the grammar's placeholders: the facts of a conversation and random details.

A :class:`Fillers` map is what ``str.format_map`` sees when a phrase is rendered. Facts (who
writes to whom, the feature at stake, the ticket number) are set per conversation; details
(numbers, dates, request ids) are drawn the first time a phrase asks for them and then reused
within the message, so one message never contradicts itself.
"""

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypedDict


class ConversationFacts(TypedDict):
    """What every phrase of a conversation may name; fixed for the whole conversation."""

    product: str
    company: str
    feature: str
    integration: str
    idp: str
    competitor: str
    plan: str
    next_plan: str
    ticket: str
    framework: str
    me_first: str
    me_full: str
    me_role: str
    me_phone: str
    me_email: str
    agent_first: str
    agent_full: str
    csm_first: str
    csm_full: str
    csm_phone: str
    csm_email: str


# Set message by message: whom it greets, the problem's name, the message a reply quotes.
MESSAGE_FACTS = ("to_first", "thing", "quote_name", "quote_email", "quote_date")
# All an NPS comment may name.
NPS_FACTS = ("product", "feature", "competitor")

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _date_before(rng: random.Random, moment: datetime) -> str:
    day = moment - timedelta(days=rng.randint(1, 12))
    return f"{MONTHS[day.month - 1]} {day.day}"


# Placeholders drawn at random when a phrase asks for them.
DRAWS: dict[str, Callable[[random.Random, datetime], str]] = {
    "n": lambda rng, _: str(rng.randint(2, 9)),
    "hours": lambda rng, _: str(rng.randint(3, 48)),
    "days": lambda rng, _: str(rng.randint(2, 10)),
    "minutes": lambda rng, _: str(5 * rng.randint(1, 18)),
    "seconds": lambda rng, _: str(rng.randint(3, 45)),
    "percent": lambda rng, _: str(rng.randint(5, 45)),
    "users": lambda rng, _: str(rng.randint(5, 400)),
    "seats": lambda rng, _: str(rng.randint(10, 500)),
    "amount": lambda rng, _: f"${rng.randint(12, 2400) * 10:,}",
    "invoice": lambda rng, moment: f"INV-{moment.year}-{rng.randint(10000, 99999)}",
    "request_id": lambda rng, _: f"req_{rng.getrandbits(48):012x}",
    "version": lambda rng, _: f"{rng.randint(3, 5)}.{rng.randint(0, 24)}.{rng.randint(0, 9)}",
    "time": lambda rng, _: f"{rng.randint(7, 18):02d}:{5 * rng.randint(0, 11):02d} UTC",
    "date": _date_before,
}


class Fillers(dict[str, str]):
    """Placeholder values for one message: given facts, plus details drawn on first use."""

    def __init__(
        self,
        facts: ConversationFacts | dict[str, str],
        rng: random.Random,
        moment: datetime,
        pools: dict[str, tuple[str, ...]],
    ) -> None:
        """Start from the conversation's facts; ``moment`` anchors relative dates."""
        super().__init__({name: str(value) for name, value in facts.items()})
        self.rng = rng
        self.moment = moment
        self.pools = pools

    def __missing__(self, key: str) -> str:
        """Draw a detail the first time a phrase uses it; unknown names are a grammar bug."""
        pool = self.pools.get(key)
        value = self.rng.choice(pool) if pool else DRAWS[key](self.rng, self.moment)
        self[key] = value
        return value

    def render(self, template: str) -> str:
        """``template`` with its placeholders filled."""
        return template.format_map(self)
