"""Message hygiene: the author's own words, without what mail clients and habits wrap them in.

A stored message keeps its raw text; its clean body drops HTML markup, quoted replies, forwarded
messages, the sign-off with the signature under it (name, title, company, contact lines), a
signature block left without a sign-off, and legal disclaimers. Every stage that reads what a
customer said reads the body, so a phone number in a signature never becomes a topic.

It belongs to the message itself (the ORM fills a missing body from the text), so ingestion, the
NLP stage and the migration that added bodies all apply the same rules. The rules only remove
what follows the author's words: a reply header, a closing formula alone on
its line after some content, or a trailing block of short name-and-contact lines. A message that
is nothing but "Thanks!" keeps it.
"""

import html
import re

# Bump when the rules change what a body holds: analyses of earlier bodies are then redone.
HYGIENE_VERSION = "hygiene@1"

# Everything from a reply or forward header on is someone else's message.
_REPLY_HEADER = re.compile(
    r"^[ \t]*(?:"
    r"on\s[^\n]{0,200}?(?:\n[^\n]{0,200}?)?wrote:[ \t]*$"
    r"|-{2,}\s*(?:original message|forwarded message)\s*-{2,}"
    r"|begin forwarded message:"
    r"|from:[^\n]+\n(?:[ \t]*(?:sent|date|to|cc|subject):[^\n]*\n?){1,4}"
    r"|_{8,}[ \t]*$"
    r")",
    re.IGNORECASE | re.MULTILINE,
)
_GREETING = re.compile(
    r"^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))\b[^,!.?\n]{0,40}[,!]\s*(?=\w)",
    re.IGNORECASE,
)
_QUOTED_LINE = re.compile(r"^[ \t]*>.*(?:\n|$)", re.MULTILINE)
# A closing formula alone on its line; everything after it is the signature.
_SIGN_OFF = re.compile(
    r"^[ \t]*(?:"
    r"--|—"
    r"|(?:(?:best|kind|warm|warmest|many|with)\s+)?(?:regards|wishes|thanks)[,.!]?"
    r"|(?:best|cheers|thanks|thank you|thx|ty|sincerely|yours|talk soon|speak soon|all the best"
    r"|yours sincerely|yours truly|respectfully|take care|have a (?:good|great|nice) (?:day|one))"
    r"[,.!]?"
    r"|sent from my [\w ]+"
    r"|get outlook for \w+"
    r")[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
# Paragraphs a legal or IT department appends to every mail.
_DISCLAIMER = re.compile(
    r"\b(?:confidential(?:ity)?|privileged|intended (?:solely |only )?for the (?:use of the )?"
    r"(?:named |intended )?(?:recipient|addressee|individual)|received this (?:e-?mail|message|"
    r"communication) in error|disclaimer|\bviruses\b|please consider the environment)",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_PHONE = re.compile(r"(?:\+|\(|\b)\d[\d().\s/x-]{6,}\d")
_CONTACT_LABEL = re.compile(
    r"^\s*(?:tel|phone|mobile|mob|cell|direct|office|fax|e-?mail|web|m|t|p|e)\s*[.:]", re.I
)
_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]{0,500}>", re.IGNORECASE | re.DOTALL)
_BLOCK_TAG = re.compile(r"<\s*(br|/p|/div|/li|/tr|/h\d)\b[^>]*>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")
# A signature line that names someone or something: a few words, no sentence, mostly capitals.
_NAME_LINE_WORDS = 12
_SIGNATURE_BLOCK_LINES = 5
# Small words that company names, titles and family names keep in lower case.
_NAME_CONNECTORS = frozenset(
    "of and for the & y e de del da das do dos la le van von der den und et at in".split()
)
_ABBREVIATION_END = re.compile(r"(?:\b[^\W\d_]{1,4}\.){1,4}$")
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'’.-]*(?:[-'’.][^\W\d_]+)*\.?$")


def clean_body(text: str) -> str:
    """The author's own words in ``text``: no markup, quotes, forwards, signature or disclaimer."""
    text = _plain(text)
    header = _REPLY_HEADER.search(text)
    if header is not None:
        text = text[: header.start()]
    if ">" in text:
        text = _QUOTED_LINE.sub("", text)
    text = _without_sign_off(text)
    paragraphs = [paragraph for paragraph in text.split("\n\n") if paragraph.strip()]
    while len(paragraphs) > 1 and _DISCLAIMER.search(paragraphs[-1]):
        paragraphs.pop()
    if len(paragraphs) > 1 and _is_signature_block(paragraphs[-1]):
        paragraphs.pop()
    return "\n\n".join(paragraph.strip() for paragraph in paragraphs)


def without_greeting(text: str) -> str:
    """The body without its opening greeting ("Hi Anna,"), first letter capitalised: a quote.

    The greeting stays in the body (it is the author's), but a quote or a retrieved sentence
    that opens "Hey [name]," reads as a letter, not as what the customer said.
    """
    rest = _GREETING.sub("", text.lstrip(), count=1)
    return rest if rest == text.lstrip() else rest[:1].upper() + rest[1:]


def _plain(text: str) -> str:
    """Text without HTML markup or entities, with one kind of line break and tidy spaces."""
    if "<" in text and ">" in text:
        text = _BLOCK_TAG.sub("\n", text)
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _without_sign_off(text: str) -> str:
    """Cut at the first closing formula that follows some content ("Thanks!" alone survives)."""
    for sign_off in _SIGN_OFF.finditer(text):
        if text[: sign_off.start()].strip():
            return text[: sign_off.start()]
    return text


def _is_signature_block(paragraph: str) -> bool:
    """Whether a last paragraph is a signature: a few name, title, company or contact lines."""
    lines = [line for line in paragraph.split("\n") if line.strip()]
    if len(lines) > _SIGNATURE_BLOCK_LINES:
        return False
    contact = any(_is_contact_line(line) for line in lines)
    names = all(_is_contact_line(line) or _is_name_line(line) for line in lines)
    # A lone short line could be a terse sentence ("Any news"); a name needs capitals throughout.
    return names and (contact or len(lines) > 1 or _is_capitalised_name(lines[0]))


def _is_contact_line(line: str) -> bool:
    """A line of phone numbers, e-mail addresses or web addresses, with their labels."""
    rest = _CONTACT_LABEL.sub("", line)
    for pattern in (_EMAIL, _URL, _PHONE):
        rest = pattern.sub("", rest)
    found = rest != _CONTACT_LABEL.sub("", line)
    return found and not re.search(r"[^\W\d_]{3,}", re.sub(r"\b(?:ext|x)\b", "", rest))


def _is_name_line(line: str) -> bool:
    """A short line that names a person, a role or a company rather than saying something."""
    stripped = line.strip(" -–—|")
    words = stripped.split()
    if not words or len(words) > _NAME_LINE_WORDS or stripped.endswith(("?", ":")):
        return False
    # A full stop ends a sentence, unless it ends an abbreviation ("Inc.", "S.A.S.").
    if stripped.endswith("!") or (
        stripped.endswith(".") and not _ABBREVIATION_END.search(stripped)
    ):
        return False
    lower = [word for word in words if word[0].islower() and word not in _NAME_CONNECTORS]
    return len(lower) <= 1 and len(lower) < len(words)


def _is_capitalised_name(line: str) -> bool:
    """One to three capitalised words, such as a first name or a full name."""
    words = line.strip(" -–—").split()
    return 0 < len(words) <= 3 and all(
        word[0].isupper() and _NAME_WORD.match(word) for word in words
    )
