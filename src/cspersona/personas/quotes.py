"""A member's message as a quote: without its greeting, on one line, PII replaced by placeholders.

The profile's representative quotes and the citations behind its claims read the same way.
"""

from cspersona.conversations.hygiene import without_greeting
from cspersona.pii.anonymizer import PiiRedactor


def spoken(body: str) -> str:
    """The message's own words on one line, without the opening greeting."""
    return " ".join(without_greeting(body).split())


def quote(body: str, redactor: PiiRedactor, limit: int) -> str:
    """The message as a quote of at most ``limit`` characters (cut at a word, with an ellipsis)."""
    text = spoken(body)
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return redactor.redact(text)
