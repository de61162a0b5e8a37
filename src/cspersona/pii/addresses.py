"""Street addresses in the shapes people write them, in several countries' conventions.

Three kinds of evidence: a street line ("14 Crown Street", "Koskikatu 25", "Rua do Arenque
1634", "Erzsébet tér 19", "PSC 0413, Box 8144"), a unit ("Suite 501"), and a phrase that
announces an address ("lives at", "my address is"). A street line grows into the lines that
follow it when they look like the rest of a postal address (unit, town, region, postcode,
country).
"""

import re

from cspersona.pii.entities import EntityType, Span
from cspersona.pii.gazetteer import Gazetteer, load_gazetteer
from cspersona.pii.recognizer import AnalysisContext, Recognizer, digit_count

CAPITALISED = r"[A-ZÀ-ÖØ-Þ][\w'’.-]*"
NUMBER = r"\d{1,5}[A-Za-z]?\b\.?"
STREET_TYPES = (
    r"Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl"
    r"|Square|Sq|Squares|Terrace|Parkway|Pkwy|Circle|Cir|Highway|Hwy|Row|Close|Crescent|Cres"
    r"|Gardens|Grove|Mews|Walk|Alley|Trail|Plaza|Streets|Roads|Ridge|Heights|Turnpike|Rapids"
    r"|Coves|Courts|Isle|Points|Ranch|Loop|Pike|Strasse|Straße|Str|Weg|Laan|Straat|Gasse"
    r"|Allee|Platz|Vej|Gade|Gatan|Vägen|Veien"
)
# Street words between a street's name and its number ("Villacher Strasse 89", "Erzsébet tér
# 19", "Trenerys gate 232"), casefolded.
STREET_WORDS = frozenset(
    STREET_TYPES.casefold().split("|")
    + "tér u utca út útja körút rkp fasor köz sor str gate gata vei vej gade väg".split()
)
# Street-name endings of Nordic, German, Dutch, Baltic and Central European languages.
STREET_SUFFIXES = tuple(
    "katu tie kuja polku rinne kaari raitti vej vænget gade gata gatan vägen väg veien vegen"
    " straße strasse stræti braut weg laan straat plein gasse allee platz iela gatve utca ulica"
    " stræde".split()
)
MIN_STREET_NAME_LETTERS = 3  # before the ending: "Koskikatu" yes, "Tie" no
PREFIX_TYPES = (
    r"Rua|Avenida|Av\.|Calle|Carrer|Via|Viale|Piazza|Rue|Chemin|Plaza|Paseo|Travessa|Largo"
    r"|Praça|Ulica|ul\.|Calea|Strada|Bulevar|Λεωφόρος|Οδός"
)
STREET_LINES = [
    # 14 Crown Street / 17151 2450 Crown St
    re.compile(
        rf"\b\d{{1,6}}[A-Za-z]?(?:[ ,]+\d{{1,5}})?\s+(?:{CAPITALISED}\s+){{0,4}}?"
        rf"(?:{STREET_TYPES})\b\.?"
    ),
    # Rua do Arenque 1634 / Via Franscini 71
    re.compile(rf"\b(?:{PREFIX_TYPES})\s+(?:[\w'’.-]+\s+){{0,4}}?{NUMBER}"),
    # PSC 0413, Box 8144 APO AA 42323 / P.O. Box 12
    re.compile(
        r"\b(?:P\.?\s?O\.?\s?Box|PSC|Unit|CMR)\s+\d{3,6}(?:,\s*Box\s+\d{1,6})?"
        r"(?:\s*\n?\s*(?:APO|FPO|DPO)\s+A[AEP]\s+\d{5})?"
    ),
    # USNS Kelley FPO AP 12345
    re.compile(rf"\bUS[NCS]{{1,2}}[A-Z]?\s+{CAPITALISED}(?:\s*\n?\s*FPO\s+A[AEP]\s+\d{{5}})?"),
]
# A word and a number: checked in Python for a street word or a street-name ending.
WORD_AND_NUMBER = re.compile(rf"(?<![\w'’-])([^\W\d_][\w'’-]*+)(\.?)[ \t]+{NUMBER}")
NAME_BEFORE = re.compile(rf"(?:{CAPITALISED}[ \t]+){{1,3}}$")
# 20789 Allika 46: house number or postcode, a street name, a number, then the line ends.
NUMBERED_NAME = re.compile(
    rf"\b\d{{2,6}}\s+(?:\d{{1,5}}\s+)?((?:{CAPITALISED}\s+){{1,3}}?)\d{{1,5}}[A-Za-z]?\b"
    r"(?=[ \t]*(?:$|\n|,|Apt|Suite|Unit))"
)
UNIT = re.compile(
    r"\b(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat|Floor|Fl\.)\s*#?\s*\d{1,5}[A-Za-z]?\b"
)
ANNOUNCED = re.compile(
    r"(?i)\b(?:(?:my|your|our|his|her|their|new|billing|shipping|mailing|home|office|postal"
    r"|street|delivery|the) address(?:\s+is)?|address\s*:|lives at|live at|living at|located at"
    r"|is at|ship(?:ped)?(?: it)? to|deliver(?:ed)?(?: it)? to|send (?:it|them|a new one"
    r"|the \w+|my \w+) to|moved to)\s*:?\s*"
)
ANNOUNCE_HINTS = (
    "address",
    "live",
    "living",
    "located",
    " at ",
    "ship",
    "deliver",
    "send",
    "moved",
)
ANNOUNCED_END = re.compile(r"[?!]|\.(?=\s+[A-Z]|\s*$)|\n\s*\n|\s+for\s|$")
QUOTE_MARKS = r"[ \t>?]*"
CONTINUATION = re.compile(
    rf"^{QUOTE_MARKS}(?:(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat|Floor)\s*#?\s*\w+"
    r"|[\w'’. -]{2,40}?(?:,\s*[A-Z]{2,3})?,?[ \t]+[A-Z]{0,2}-?\d{2,6}(?:-\d{3,4})?"
    r"|\d{3,6}(?:-\d{3})?[ \t]+[\w'’. -]{2,40}"
    r"|[A-ZÀ-ÖØ-Þ][\w'’. -]{1,40}(?:,\s*[A-Z]{2,3})?"
    r"|,?[ \t]*(?:[A-Z]{2}|nan)|\d{3,6})[ \t]*[,.]?[ \t]*$"
)
MAX_CONTINUATION_DIGITS = 6  # a line with more digits is a phone number, not a postcode
MAX_CONTINUATION_LINES = 5
MAX_ANNOUNCED_LENGTH = 160


class StreetAddressRecognizer(Recognizer):
    """Street addresses (STREET_ADDRESS), from one line up to a whole postal block."""

    entities = (EntityType.STREET_ADDRESS,)

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        """Everyday English words from the gazetteer keep "During 1971" from being a street."""
        self.gazetteer = gazetteer or load_gazetteer()

    def analyze(self, text: str, context: AnalysisContext) -> list[Span]:
        """Street lines and units (grown into their postal block) and announced addresses."""
        if not digit_count(text):
            return []
        spans = [
            self._street(text, match.start(), match.end())
            for pattern in STREET_LINES
            for match in pattern.finditer(text)
        ]
        for match in WORD_AND_NUMBER.finditer(text):
            start = self._street_name_start(text, match)
            if start is not None:
                spans.append(self._street(text, start, match.end()))
        for match in NUMBERED_NAME.finditer(text):
            if match.group(1).strip() and not self._everyday(match.group(1)):
                spans.append(self._street(text, match.start(), match.end()))
        spans.extend(
            Span(EntityType.STREET_ADDRESS, match.start(), match.end(), 0.6)
            for match in UNIT.finditer(text)
        )
        lowered = text.casefold()
        if any(hint in lowered for hint in ANNOUNCE_HINTS):
            for match in ANNOUNCED.finditer(text):
                span = self._announced(text, match.end())
                if span is not None:
                    spans.append(span)
        return _merge(spans)

    def _street_name_start(self, text: str, match: re.Match[str]) -> int | None:
        """Where the street named before a number starts, if the word says it is a street."""
        word = match.group(1)
        folded = word.casefold()
        if folded in STREET_WORDS:
            name = NAME_BEFORE.search(text, 0, match.start())
            return name.start() if name else None
        if not word[0].isupper() or folded in self.gazetteer.english_words:
            return None
        for suffix in STREET_SUFFIXES:
            if folded.endswith(suffix) and len(folded) - len(suffix) >= MIN_STREET_NAME_LETTERS:
                return match.start()
        return None

    def _everyday(self, words: str) -> bool:
        return any(word.casefold() in self.gazetteer.english_words for word in words.split())

    def _street(self, text: str, start: int, end: int) -> Span:
        """A street line with the house number before it and the postal block after it."""
        number_before = re.search(r"\b\d{1,6}[ \t]+$", text[max(0, start - 10) : start])
        if number_before:
            start -= len(number_before.group())
        return Span(EntityType.STREET_ADDRESS, start, self._block_end(text, end), 0.8)

    @staticmethod
    def _block_end(text: str, end: int) -> int:
        """Extend to the end of the line and over following lines that continue the address."""
        line_end = text.find("\n", end)
        if line_end < 0:
            line_end = len(text)
        rest_of_line = text[end:line_end]
        if CONTINUATION.match(rest_of_line) or re.match(r"^[ \t]*,", rest_of_line):
            end = line_end
        for _ in range(MAX_CONTINUATION_LINES):
            following = re.match(r"\n(?:[ \t]*\n)?([^\n]*)", text[end:])
            if not following or not following.group(1).strip():
                break
            line = following.group(1)
            if (
                not CONTINUATION.match(line)
                or sum(map(str.isdigit, line)) > MAX_CONTINUATION_DIGITS
            ):
                break
            end += following.end()
        return len(text[:end].rstrip(" \t,.?"))

    @staticmethod
    def _announced(text: str, start: int) -> Span | None:
        """The text after "address is", to the end of the sentence, if it has a number in it."""
        first_line_end = text.find("\n", start)
        if first_line_end >= 0 and not any(c.isdigit() for c in text[start:first_line_end]):
            start = first_line_end + 1  # a name line ("Billing address: Sara Schwarz")
        while start < len(text) and text[start].isspace():
            start += 1
        end_match = ANNOUNCED_END.search(text, start)
        end = end_match.start() if end_match else len(text)
        value = text[start:end].rstrip(" \t,.")
        if not any(c.isdigit() for c in value) or len(value) > MAX_ANNOUNCED_LENGTH:
            return None
        return Span(EntityType.STREET_ADDRESS, start, start + len(value), 0.7)


def _merge(spans: list[Span]) -> list[Span]:
    """Overlapping address detections become one span with the best score."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: s.start):
        if merged and span.start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = Span(
                EntityType.STREET_ADDRESS,
                last.start,
                max(last.end, span.end),
                max(last.score, span.score),
            )
        else:
            merged.append(span)
    return merged
