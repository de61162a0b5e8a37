"""What the simulated customer says about their own account: each fact stated once, then kept.

Every member customer wrote their own numbers ("we have about 45 people who actually use it",
"we pay $20,000 a year"); quoted side by side they would contradict each other. A conversation
therefore fixes each fact once: from one member's account record where the product holds it
(what they pay a year, how many people use the product), else from the first sentence that
states it. A later sentence stating the same fact is rewritten to that value. A number about
anything else ("3 days", "5 dashboards") is kept unless the conversation already gave another
number for the same thing; such a sentence is not used.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

_NUMBER = r"\d[\d,]*(?:\.\d+)?"
_MONEY = rf"\$\s?{_NUMBER}(?:\s?[kKmM]\b)?"
_SMALL_NUMBERS = r"one|two|three|four|five|six|seven|eight|nine|ten|a couple of|several"
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)

_DATE = rf"{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{4}}-\d{{2}}-\d{{2}}"

# Facts about the account, each a pattern whose ``value`` group holds what is stated.
FACTS: dict[str, re.Pattern[str]] = {
    "annual_price": re.compile(
        rf"(?P<value>{_MONEY})(?=\s*(?:a|per|each|every)\s+year|\s*(?:annually|/\s?y(?:ea)?r))",
        re.IGNORECASE,
    ),
    "monthly_price": re.compile(
        rf"(?P<value>{_MONEY})(?=\s*(?:a|per|each|every)\s+month|\s*(?:monthly|/\s?mo(?:nth)?))",
        re.IGNORECASE,
    ),
    "seat_price": re.compile(
        rf"(?P<value>{_MONEY})(?=\s*(?:a|per|each)\s+(?:seat|user|licen[cs]e|head))",
        re.IGNORECASE,
    ),
    "seats": re.compile(
        rf"(?P<value>{_NUMBER})(?=\s+(?:[a-z]+\s+)?(?:seats|licen[cs]es)\b)",
        re.IGNORECASE,
    ),
    "active_users": re.compile(
        rf"(?P<value>{_NUMBER})(?=\s+(?:[a-z]+\s+)?(?:people|users|employees|staff)\b)",
        re.IGNORECASE,
    ),
    "competitor_discount": re.compile(
        rf"(?P<value>{_NUMBER})(?=\s?(?:%|percent)\s+(?:less|lower|cheaper|below|off))",
        re.IGNORECASE,
    ),
    "incidents": re.compile(
        rf"(?P<value>\d+|{_SMALL_NUMBERS})(?=\s+(?:\w+\s+)?(?:outages|incidents)\b)",
        re.IGNORECASE,
    ),
    "renewal_date": re.compile(rf"renew\w*\D{{0,30}}?\b(?P<value>{_DATE})", re.IGNORECASE),
    "deadline": re.compile(rf"\b(?:by|before)\s+(?P<value>{_DATE})", re.IGNORECASE),
    "own_team": re.compile(
        r"\b(?:i manage|i lead|i run|on behalf of|i'?m (?:in|on|with)|i work (?:in|on|with)) "
        r"(?:our|the|my) (?P<value>[a-z][a-z ]{1,30}?) team\b",
        re.IGNORECASE,
    ),
}
# Any other number with the noun it counts ("3 days", "12 dashboards"); versions, times and
# ids are not counts.
_COUNT = re.compile(r"(?<![\w.$:-])(?P<value>\d[\d,]*)\s+(?P<unit>[a-z]{3,})\b", re.IGNORECASE)
_NOT_UNITS = frozenset({"and", "the", "for", "with", "from", "per", "utc", "out", "but", "are"})


@dataclass(frozen=True)
class Mention:
    """One fact a sentence states: its key, the value as written and where it stands."""

    key: str
    value: str
    start: int
    end: int


def mentions(sentence: str) -> list[Mention]:
    """Every fact and every other count the sentence states, in reading order."""
    found: list[Mention] = []
    for key, pattern in FACTS.items():  # the first fact to claim a stretch of text keeps it
        for match in pattern.finditer(sentence):
            start, end = match.span("value")
            if not any(m.start < end and start < m.end for m in found):
                found.append(Mention(key, match["value"], start, end))
    for match in _COUNT.finditer(sentence):
        unit = match["unit"].lower()
        inside = any(m.start <= match.start() < m.end for m in found)
        if unit in _NOT_UNITS or inside:
            continue
        found.append(Mention(f"count:{unit.rstrip('s')}", match["value"], *match.span("value")))
    return sorted(found, key=lambda mention: mention.start)


def _same(one: str, other: str) -> bool:
    return one.lower().replace(" ", "") == other.lower().replace(" ", "")


def settle(sentence: str, facts: Mapping[str, str]) -> tuple[str, dict[str, str]] | None:
    """The sentence told with the conversation's facts, and the facts it states for the first time.

    A named fact stated with another value is rewritten to the conversation's value; any other
    count that contradicts an earlier one makes the sentence unusable (``None``).
    """
    added: dict[str, str] = {}
    pieces: list[str] = []
    position = 0
    for mention in mentions(sentence):
        known = facts.get(mention.key, added.get(mention.key))
        if known is None:
            added[mention.key] = mention.value
            continue
        if _same(known, mention.value):
            continue
        if mention.key.startswith("count:"):
            return None
        pieces += [sentence[position : mention.start], known]
        position = mention.end
    pieces.append(sentence[position:])
    return "".join(pieces), added


# What a CSM's question asks the customer to state about their account.
ASKED: dict[str, re.Pattern[str]] = {
    "active_users": re.compile(
        r"\bhow many (people|users|of your (team|staff|colleagues))|\b(number of|count of) "
        r"(active )?(users|people)|\bwho (actually )?uses? it\b|"
        r"\bhow many (of (your|the) )?(seats|licen[cs]es)\b.{0,25}\b(us(e|ed|ing)|active)\b",
        re.IGNORECASE,
    ),
    "annual_price": re.compile(
        r"\bwhat (are|do) you (currently )?(pay|paying|spend|spending)\b|\bhow much (do|are) you "
        r"(pay|paying|spend|spending)\b|\byour (annual |yearly )?(spend|contract value|price)\b",
        re.IGNORECASE,
    ),
    "renewal_date": re.compile(
        r"\bwhen (is|does|do) (your|the) (renewal|contract)|\brenewal date\b|\bwhen do you renew",
        re.IGNORECASE,
    ),
}


def asked(message: str) -> list[str]:
    """The account facts a CSM's message asks about, in a fixed order."""
    return [key for key, pattern in ASKED.items() if pattern.search(message)]


# What each fact is, in words, for a language model told which facts the customer has stated.
_NAMES = {
    "annual_price": "what you pay a year",
    "monthly_price": "what you pay a month",
    "seat_price": "the price per seat",
    "seats": "seats you pay for",
    "active_users": "people who use the product",
    "competitor_discount": "how much lower (%) a competitor quoted",
    "incidents": "incidents",
    "renewal_date": "your renewal date",
    "deadline": "the date you need it by",
    "own_team": "the team you are in",
}


def described(key: str) -> str:
    """A fact's key in words: ``annual_price`` is "what you pay a year", ``count:day`` "days"."""
    return _NAMES.get(key) or f"{key.removeprefix('count:')}s"


def account_facts(
    *, annual_price: float | None, active_users: int | None, renewal: date | None
) -> dict[str, str]:
    """The facts one member's account record gives, written as a customer would say them."""
    facts: dict[str, str] = {}
    if annual_price:
        facts["annual_price"] = f"${round(annual_price, -1):,.0f}"
    if active_users:
        facts["active_users"] = str(active_users)
    if renewal is not None:
        facts["renewal_date"] = f"{renewal:%B} {renewal.day}"
    return facts
