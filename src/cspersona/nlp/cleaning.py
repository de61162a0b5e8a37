"""Cleaning before scoring: the author's own words (``conversations.hygiene``), bounded."""

import re

from cspersona.conversations.hygiene import clean_body

MAX_CHARS = 20_000
_WORD_CHARACTER = re.compile(r"[^\W_]")


def clean_text(text: str) -> str:
    """The author's own words: no HTML, quoted replies, signature or disclaimer; bounded."""
    return _truncate(clean_body(text))


def has_words(text: str) -> bool:
    """Whether ``text`` has a letter or digit: emoji and punctuation alone carry no scored words."""
    return _WORD_CHARACTER.search(text) is not None


def _truncate(text: str) -> str:
    """Keep the start of an overlong text, cut at a sentence or word boundary."""
    if len(text) <= MAX_CHARS:
        return text
    head = text[:MAX_CHARS]
    boundary = max(head.rfind(". "), head.rfind("\n"))
    if boundary < MAX_CHARS // 2:
        boundary = head.rfind(" ")
    return head[: boundary + 1].strip() if boundary > 0 else head
