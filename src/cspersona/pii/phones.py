"""Phone numbers, international and national, without scanning every text with phonenumbers.

``phonenumbers.PhoneNumberMatcher`` costs about 0.4 ms per message; a regular expression finds
the digit groups that could be a number, and only candidates written with a ``+`` or ``00``
prefix are checked against the numbering plan with ``phonenumbers``.
"""

import re
from functools import lru_cache

import phonenumbers

from cspersona.pii.entities import EntityType, Span
from cspersona.pii.recognizer import AnalysisContext, Recognizer, digit_count

CANDIDATE = re.compile(
    r"(?<![\w+\-/.,])(?:\+|00)?\(?\d[\d\u00a0 ().\-/]{5,22}\d(?:\s?(?:x|ext\.?)\s?\d{1,5})?"
    r"(?![\w/]|[.,\-]\d)"
)
DAY_OR_MONTH = r"(?:0?[1-9]|[12]\d|3[01])"
# A date, maybe with the hour of a time after it ("2000-04-16 11" before ":34:35").
DATE = re.compile(
    rf"^(?:\d{{4}}[-/.]{DAY_OR_MONTH}[-/.]{DAY_OR_MONTH}"
    rf"|{DAY_OR_MONTH}[-/.]{DAY_OR_MONTH}[-/.](?:\d{{2}}|\d{{4}}))(?:[ T]\d{{1,2}})?$"
)
TIME = re.compile(r"^\d{1,2}[.:]\d{2}(?:[.:]\d{2})?$")
CONTEXT = re.compile(
    r"(?i)(?:phone|tel\b|telephone|mobile|cell|call|reach|fax|whatsapp|sms|text me|dial"
    r"|number|contact|\bno\.|\bph\b|\bm:|\bt:)"
)
CONTEXT_WINDOW = 40


@lru_cache(maxsize=4096)
def _possible_international(number: str) -> bool:
    """Whether the numbering plan of the number's country allows it (cached: numbers repeat)."""
    try:
        return phonenumbers.is_possible_number(phonenumbers.parse(number, None))
    except phonenumbers.NumberParseException:
        return False


class PhoneRecognizer(Recognizer):
    """Numbers of 8 to 15 digits written in groups, or 7 with a phone word before them."""

    entities = (EntityType.PHONE_NUMBER,)

    def analyze(self, text: str, context: AnalysisContext) -> list[Span]:
        """Candidates that survive the date, grouping and numbering-plan checks."""
        if digit_count(text) < 7:
            return []
        spans = []
        for match in CANDIDATE.finditer(text):
            candidate = match.group()
            before = text[max(0, match.start() - CONTEXT_WINDOW) : match.start()]
            score = self._score(candidate, before)
            if score:
                spans.append(Span(EntityType.PHONE_NUMBER, match.start(), match.end(), score))
        return spans

    @staticmethod
    def _score(candidate: str, before: str) -> float:
        """A confidence for one candidate, or 0 when it is something else."""
        if (
            DATE.match(candidate)
            or TIME.match(candidate)
            or candidate.count("(") != candidate.count(")")
        ):
            return 0.0
        digits = sum(character.isdigit() for character in candidate)
        if not 7 <= digits <= 15:
            return 0.0
        if candidate.startswith(("+", "00")):
            international = "+" + candidate.removeprefix("+").removeprefix("00")
            return 0.95 if _possible_international(international) else 0.0
        has_context = CONTEXT.search(before) is not None
        grouped = len(re.findall(r"\d+", candidate)) >= 2
        if has_context and (grouped or digits >= 7):
            return 0.85
        if grouped and digits >= 8:
            return 0.6
        return 0.0
