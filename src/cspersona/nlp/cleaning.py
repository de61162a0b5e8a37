"""Cleaning before scoring: quoted e-mail chains, signatures and HTML are not the author's."""

import html
import re

MAX_CHARS = 20_000
# Everything from a reply header on is the previous message, not this author's.
_REPLY_HEADER = re.compile(
    r"^\s*(on\s.{0,200}?wrote:|-{2,}\s*original message\s*-{2,}|from:\s.+\bsent:\s)",
    re.IGNORECASE | re.MULTILINE | re.DOTALL,
)
_QUOTED_LINE = re.compile(r"^\s*>.*$", re.MULTILINE)
# A signature starts at "-- " alone on a line or at a closing formula on its own line.
_SIGNATURE = re.compile(
    r"^\s*(--\s*|(best|kind|warm)?\s*regards,?|best,|thanks,|thank you,|cheers,|sincerely,|"
    r"sent from my \w+.*)\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]{0,500}>", re.IGNORECASE | re.DOTALL)
_BLOCK_TAG = re.compile(r"<\s*(br|/p|/div|/li|/tr|/h\d)\b[^>]*>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")
_LINE_BREAKS = re.compile(r"\s*\n\s*")


def clean_text(text: str) -> str:
    """The author's own words: no HTML, no quoted replies, no signature, at most ``MAX_CHARS``."""
    if "<" in text and ">" in text:
        text = _BLOCK_TAG.sub("\n", text)
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    header = _REPLY_HEADER.search(text)
    if header is not None and header.start() > 0:
        text = text[: header.start()]
    if ">" in text:
        text = _QUOTED_LINE.sub("", text)
    signature = _SIGNATURE.search(text)
    # Only cut a signature that follows some content, so "Thanks, that fixed it" survives.
    if signature is not None and text[: signature.start()].strip():
        text = text[: signature.start()]
    text = _SPACES.sub(" ", text)
    text = _LINE_BREAKS.sub("\n", text).strip()
    return _truncate(text)


def _truncate(text: str) -> str:
    """Keep the start of an overlong text, cut at a sentence or word boundary."""
    if len(text) <= MAX_CHARS:
        return text
    head = text[:MAX_CHARS]
    boundary = max(head.rfind(". "), head.rfind("\n"))
    if boundary < MAX_CHARS // 2:
        boundary = head.rfind(" ")
    return head[: boundary + 1].strip() if boundary > 0 else head
