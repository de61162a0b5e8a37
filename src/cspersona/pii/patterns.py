"""Recognisers for PII with a fixed shape: e-mail, IP, SSN, cards, IBANs, secret URLs, keys.

Each one is a regular expression plus a validation that removes look-alikes (a checksum, a
range check, a required context word), and a cheap pre-check that skips the regex on texts that
cannot contain a match.
"""

import ipaddress
import re
from urllib.parse import parse_qsl, urlsplit

from cspersona.pii.checksums import IBAN_LENGTHS, iban_valid, luhn_valid
from cspersona.pii.entities import EntityType, Span
from cspersona.pii.recognizer import AnalysisContext, Recognizer, digit_count

TRAILING_PUNCTUATION = ".,;:!?)]}'\">"


class EmailRecognizer(Recognizer):
    """E-mail addresses."""

    entities = (EntityType.EMAIL_ADDRESS,)
    pattern = re.compile(
        r"(?<![\w.%+-])[\w.%+'-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
        r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}\b"
    )

    def analyze(self, text: str, context: AnalysisContext) -> list[Span]:
        """Addresses with a local part, a domain and a top-level domain."""
        if "@" not in text:
            return []
        return [
            Span(EntityType.EMAIL_ADDRESS, match.start(), match.end(), 1.0)
            for match in self.pattern.finditer(text)
        ]


class IpAddressRecognizer(Recognizer):
    """IPv4 and IPv6 addresses, validated by :mod:`ipaddress`."""

    entities = (EntityType.IP_ADDRESS,)
    pattern = re.compile(
        r"(?<![\w.:])(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})"
        r"(?![\w:]|\.\d)"
    )

    def analyze(self, text: str, context: AnalysisContext) -> list[Span]:
        """Addresses that parse; times such as 10:30:00 do not."""
        if not digit_count(text):
            return []
        spans = []
        for match in self.pattern.finditer(text):
            try:
                ipaddress.ip_address(match.group())
            except ValueError:
                continue
            spans.append(Span(EntityType.IP_ADDRESS, match.start(), match.end(), 0.95))
        return spans


class UsSsnRecognizer(Recognizer):
    """US social security numbers: 123-45-6789 anywhere, 9 bare digits only near "SSN"."""

    entities = (EntityType.US_SSN,)
    pattern = re.compile(r"(?<![\w-])(\d{3})([- .])(\d{2})\2(\d{4})(?![\w-])")
    bare_pattern = re.compile(
        r"(?i)\b(?:ssn|social security(?: number| no\.?)?)\D{0,20}?(?<!\d)(\d{9})(?!\d)"
    )

    @staticmethod
    def _valid(area: str, group: str, serial: str) -> bool:
        return area not in {"000", "666"} and area[0] != "9" and group != "00" and serial != "0000"

    def analyze(self, text: str, context: AnalysisContext) -> list[Span]:
        """Numbers in SSN form whose area, group and serial are ones the SSA issues."""
        if digit_count(text) < 9:
            return []
        spans = [
            Span(EntityType.US_SSN, match.start(), match.end(), 0.85)
            for match in self.pattern.finditer(text)
            if self._valid(match.group(1), match.group(3), match.group(4))
        ]
        for match in self.bare_pattern.finditer(text):
            digits = match.group(1)
            if self._valid(digits[:3], digits[3:5], digits[5:]):
                spans.append(Span(EntityType.US_SSN, match.start(1), match.end(1), 0.8))
        return spans


class CreditCardRecognizer(Recognizer):
    """Payment card numbers: 12 to 19 digits, plain or in groups of four, passing Luhn."""

    entities = (EntityType.CREDIT_CARD,)
    pattern = re.compile(
        r"(?<![\w-])(?:\d{12,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}(?:\1\d{1,4})?"
        r"|\d{4}([ -])\d{6}\2\d{4,5})(?![\w-])"
    )

    def analyze(self, text: str, context: AnalysisContext) -> list[Span]:
        """Digit runs of card length whose Luhn check holds and which are not one digit repeated."""
        if digit_count(text) < 12:
            return []
        spans = []
        for match in self.pattern.finditer(text):
            digits = match.group().replace(" ", "").replace("-", "")
            if 12 <= len(digits) <= 19 and len(set(digits)) > 1 and luhn_valid(digits):
                spans.append(Span(EntityType.CREDIT_CARD, match.start(), match.end(), 0.9))
        return spans


class IbanRecognizer(Recognizer):
    """IBANs, compact or in groups, in either case, with the country's length and mod-97 check."""

    entities = (EntityType.IBAN_CODE,)
    start_pattern = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2})\d{2}")

    def analyze(self, text: str, context: AnalysisContext) -> list[Span]:
        """Read exactly the country's IBAN length of characters (single spaces allowed)."""
        if digit_count(text) < 8:
            return []
        spans = []
        for match in self.start_pattern.finditer(text):
            length = IBAN_LENGTHS.get(match.group(1).upper())
            if length is None:
                continue
            end = self._end_of(text, match.start(), length)
            if end is not None and iban_valid(re.sub(r"\s", "", text[match.start() : end])):
                spans.append(Span(EntityType.IBAN_CODE, match.start(), end, 1.0))
        return spans

    @staticmethod
    def _end_of(text: str, start: int, length: int) -> int | None:
        """Where an IBAN of ``length`` characters starting at ``start`` ends, if it fits."""
        count, position = 0, start
        while count < length and position < len(text):
            character = text[position]
            if character.isalnum():
                count += 1
            elif not (character == " " and position > start and text[position - 1] != " "):
                return None
            position += 1
        if count < length or (position < len(text) and text[position].isalnum()):
            return None
        return position


class SecretUrlRecognizer(Recognizer):
    """URLs that carry credentials: user:password@host, token-like query values, long keys."""

    entities = (EntityType.URL,)
    pattern = re.compile(r"\b(?:https?|ftp)://[^\s<>\"'`]+", re.IGNORECASE)
    secret_keys = re.compile(
        r"(?i)^(?:.*[_-])?(?:token|key|apikey|secret|sig|signature|password|passwd|pwd|auth"
        r"|session|sessionid|sid|code|credential|jwt)$"
    )
    token_value = re.compile(r"^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_\-.~%+/=]{20,}$")

    def analyze(self, text: str, context: AnalysisContext) -> list[Span]:
        """Only URLs with a secret in them: a plain link is not PII."""
        if "://" not in text:
            return []
        spans = []
        for match in self.pattern.finditer(text):
            url = match.group().rstrip(TRAILING_PUNCTUATION)
            if self._carries_secret(url):
                spans.append(Span(EntityType.URL, match.start(), match.start() + len(url), 0.9))
        return spans

    def _carries_secret(self, url: str) -> bool:
        try:
            parts = urlsplit(url)
        except ValueError:
            return False
        if parts.password:
            return True
        for name, value in parse_qsl(parts.query, keep_blank_values=True):
            if value and (self.secret_keys.match(name) or self.token_value.match(value)):
                return True
        return any(self.token_value.match(segment) for segment in parts.path.split("/"))


class SecretRecognizer(Recognizer):
    """API keys, access tokens, private keys and passwords written after a keyword."""

    entities = (EntityType.SECRET,)
    # Vendor key formats with a fixed prefix: OpenAI/Anthropic, Stripe, GitHub, Slack, AWS,
    # Google, JSON web tokens, PEM private keys.
    shaped = re.compile(
        r"\b(?:sk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}|(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}"
        r"|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,}|xox[abposr]-[A-Za-z0-9-]{10,}"
        r"|(?:AKIA|ASIA)[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}"
        r"|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})"
        r"|-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----"
    )
    shaped_prefixes = (
        "sk-", "sk_", "pk_", "rk_", "gh", "github_pat_", "xox", "AKIA", "ASIA", "AIza", "eyJ",
        "PRIVATE KEY",
    )  # fmt: skip
    keywords = ("key", "token", "secret", "password", "passwd", "pwd", "passcode", "bearer")
    assigned = re.compile(
        r"(?i)\b(?:api[ _-]?key|api[ _-]?token|access[ _-]?(?:key|token)|auth[ _-]?token"
        r"|client[ _-]?secret|secret(?:[ _-]?key)?|password|passwd|pwd|passcode|bearer)"
        r"[\"']?\s*(?:[:=]|\bis\b)?\s*[\"']?([^\s\"',;]{6,})"
    )

    def analyze(self, text: str, context: AnalysisContext) -> list[Span]:
        """Key-shaped tokens anywhere; any value written right after a secret's keyword."""
        spans = []
        if any(prefix in text for prefix in self.shaped_prefixes):
            spans = [
                Span(EntityType.SECRET, match.start(), match.end(), 0.95)
                for match in self.shaped.finditer(text)
            ]
        lowered = text.casefold()
        if not any(keyword in lowered for keyword in self.keywords):
            return spans
        for match in self.assigned.finditer(text):
            value = match.group(1).rstrip(TRAILING_PUNCTUATION)
            shaped_already = any(span.start <= match.start(1) < span.end for span in spans)
            if self._secret_like(value) and not shaped_already:
                end = match.start(1) + len(value)
                spans.append(Span(EntityType.SECRET, match.start(1), end, 0.8))
        return spans

    @staticmethod
    def _secret_like(value: str) -> bool:
        """A digit or symbol in it, or long: "the password is expired" names no secret."""
        if len(value) < 6:
            return False
        return len(value) >= 16 or any(not character.isalpha() for character in value)
