"""What would make a CSM stop trusting a sentence: the checks every user-facing text must pass.

A text a person reads (a page, an API text field, a narrative, a driver, a chat reply) is clean
when it holds none of the problems below. The review digest, ``benchmarks/bench_texts.py`` and
the test that renders every page and API text of a generated world share these checks, so they
cannot disagree about what "clean" means.

Anonymised text shows a neutral ``[name]``, ``[email]``... (docs/pii.md): those are readable and
allowed; the detector's raw tokens (``<PERSON>``) are not.
"""

import re
from collections.abc import Callable

from cspersona.nlp.similarity import says_the_same, sentences_of

REDACTION_TOKEN = re.compile(r"<[A-Z_]{3,}>")
# snake_case: a column or feature name leaking out of the code.
RAW_IDENTIFIER = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")
TOPIC_NUMBER = re.compile(r"\btopic[ _#-]?\d+\b", re.IGNORECASE)
EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
# Not glued to a word or dash before it: "INV-2025-69922" is an invoice, not a phone.
PHONE_CANDIDATE = re.compile(r"(?<![\w-])\+?\(?\d[\d().\s/x-]{7,}\d")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
SHORTEST_PHONE = 9  # digits; an ISO date has eight
NESTED_BRACKETS = re.compile(r"\([^()]*\(")
# The same word twice in a row ("disappointed disappointed"), numbers aside ("10 10" in a table).
DOUBLED_WORD = re.compile(r"\b([a-z]{2,})\s+\1\b", re.IGNORECASE)
SHORTEST_SENTENCE = 13  # shorter ones ("Thanks.", "Yes.") may fairly repeat


def has_phone_number(text: str) -> bool:
    """Whether a run of digits, spaces and dashes looks like a phone number, not a date."""
    return any(
        sum(character.isdigit() for character in found) >= SHORTEST_PHONE
        and not ISO_DATE.search(found)
        for found in PHONE_CANDIDATE.findall(text)
    )


def repeats_a_sentence(text: str) -> bool:
    """Whether two sentences say the same, typos and capitals aside ("paing" for "paying")."""
    sentences = [sentence for sentence in sentences_of(text) if len(sentence) >= SHORTEST_SENTENCE]
    return any(
        says_the_same(first, second)
        for index, first in enumerate(sentences)
        for second in sentences[index + 1 :]
    )


PROBLEMS: dict[str, Callable[[str], bool]] = {
    "redaction token": lambda text: REDACTION_TOKEN.search(text) is not None,
    "raw identifier": lambda text: RAW_IDENTIFIER.search(text) is not None,
    "topic number": lambda text: TOPIC_NUMBER.search(text) is not None,
    "contact detail": lambda text: EMAIL_ADDRESS.search(text) is not None or has_phone_number(text),
    "nested brackets": lambda text: NESTED_BRACKETS.search(text) is not None,
    "doubled word": lambda text: DOUBLED_WORD.search(text) is not None,
    "repeated sentence": repeats_a_sentence,
}


def text_problems(text: str) -> list[str]:
    """The names of the :data:`PROBLEMS` this text has; empty when it is clean."""
    return [name for name, found in PROBLEMS.items() if found(text)]
