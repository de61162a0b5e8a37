"""People's names without a statistical model: gazetteer, known contacts, and context.

Capitalised words are grouped into candidate names ("Faina D. Yefremova"). Each word is one
of: a known contact's name, a name from the gazetteer, an everyday English word (from a word
list; "Orchestra", "Weekly"), or unknown ("Szöllösy"). A candidate is a person when the
evidence is enough: gazetteer names, a title or greeting before it ("Dr.", "Hi", "my name
is"), a speaker label, possessive or person verb after it ("Ubul:", "Kate's", "Asya spent"),
a line of its own (a signature), a surname ending ("-ová", "-sson"), or its place in a list
with other names. Everyday words count as names only with such context ("Will", "Frank").
"""

import re
from dataclasses import dataclass
from enum import Enum

from cspersona.ingest.pii.entities import EntityType, Span
from cspersona.ingest.pii.gazetteer import Gazetteer, load_gazetteer
from cspersona.ingest.pii.recognizer import AnalysisContext, Recognizer

WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
POSSESSIVE = ("'s", "’s")
PARTICLES = frozenset(
    "van von de der den da di du del della dos das la le ten ter bin ibn al el af zu".split()
)
TITLES = frozenset(
    "mr mrs ms miss mx dr prof professor sir madam dame herr frau mme mlle sr sra rev".split()
)
ORGANISATION_WORDS = frozenset(
    "inc corp corporation llc ltd gmbh plc co company group holdings technologies technology"
    " systems solutions associates partners capital labs software services consulting bank"
    " university college institute foundation orchestra agency studios media networks ventures"
    " industries international global enterprises analytics sa ag bv ab oy srl spa".split()
)
NOT_NAMES = frozenset(
    "january february march april may june july august september october november december"
    " monday tuesday wednesday thursday friday saturday sunday".split()
)
SURNAME_ENDING = re.compile(
    r"(?:ová|ova|eva|ov|ev|ovich|evich|ski|ska|ský|ská|sky|wicz|czyk|czak|enko|chuk|yan|dze"
    r"|shvili|poulos|akis|oglu|ović|ovic|vić|escu|sson|sen|dottir|dóttir|nen|inen|stein"
    r"|mann|berg|moto|mura|yama|kawa|shita|naka|uchi|ucci|etti|elli)$"
)
# Words right before a name that say a person follows.
STRONG_BEFORE = re.compile(
    r"(?i)(?:\b(?:my name is|name is|name's|names is|i'm|i am|this is|call me|hi|hello|hey"
    r"|dear|thanks|thank you|cheers|regards|sincerely|greetings|attn|cc|signed|named|called"
    r"|spoke (?:to|with)|speak (?:to|with)|talk(?:ed)? (?:to|with)|ask|asked|told|meet|met"
    r"|colleague|manager|ceo|cto|cfo|coo|vp|director|founder|founders|producer|assigned to"
    r"|reach out to|forwarded to|follow up with|ping|contact)"
    r"|(?:name|user|contact|requester|author|from|to|attn|customer|agent|rep)\s*:)[,:]?\s*$"
)
WEAK_BEFORE = re.compile(r"(?i)\b(?:by|with|from|under|for|to|and|or|of|via|about|add)\s*$")
PERSON_AFTER = re.compile(
    r"^(?:\s*:|'s\b|’s\b|,? (?:said|says|wrote|writes|replied|asked|told|explained|shouted"
    r"|lives|lived|spent|works|worked|joined|was born|is from|had given|here)\b)"
)
LIST_JOINER = re.compile(r"^(?:,\s*(?:and\s+)?|\s+(?:and|&)\s+)$")
SENTENCE_END = frozenset('.!?\n\r\t"“”«»()[]:;')


class Kind(Enum):
    """What the word lists say about one capitalised word."""

    NAME = "name"  # in the gazetteer, not an everyday word
    AMBIGUOUS = "ambiguous"  # in the gazetteer and an everyday word ("Will")
    UNKNOWN = "unknown"  # in no list ("Szöllösy")
    WORD = "word"  # an everyday word only ("Orchestra")


@dataclass(slots=True)
class Word:
    """One word of the text, with what the recogniser needs to know about it."""

    start: int
    end: int
    folded: str
    capitalised: bool
    initial: bool


class PersonRecognizer(Recognizer):
    """People's names (PERSON) from the gazetteer, known contacts and surrounding words."""

    entities = (EntityType.PERSON,)

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        """Use the packaged gazetteer unless one is given (tests give small ones)."""
        self.gazetteer = gazetteer or load_gazetteer()

    def analyze(self, text: str, context: AnalysisContext) -> list[Span]:
        """Each candidate name whose evidence is enough, scored by how strong it is."""
        candidates = self._candidates(text, context)
        scores = [self._score(text, group, context) for group in candidates]
        self._spread(text, candidates, scores)
        return [
            Span(EntityType.PERSON, group[0].start, group[-1].end, score)
            for group, score in zip(candidates, scores, strict=True)
            if score
        ]

    def _kind(self, word: Word) -> Kind:
        everyday = word.folded in self.gazetteer.english_words or (
            "-" in word.folded
            and all(
                part in self.gazetteer.english_words or len(part) == 1
                for part in word.folded.split("-")
            )
        )
        if self.gazetteer.is_name(word.folded):
            return Kind.AMBIGUOUS if everyday else Kind.NAME
        return Kind.WORD if everyday else Kind.UNKNOWN

    def _words(self, text: str) -> list[Word]:
        words = []
        for match in WORD.finditer(text):
            start, end = match.span()
            token = match.group()
            if token.endswith(POSSESSIVE):
                end -= 2
                token = token[:-2]
            capitalised = token[0].isupper() and not (len(token) > 1 and token.isupper())
            initial = len(token) == 1 and token.isupper()
            words.append(Word(start, end, token.casefold(), capitalised, initial))
        return words

    def _candidates(self, text: str, context: AnalysisContext) -> list[list[Word]]:
        """Runs of capitalised words separated by one space (or ". " after an initial)."""
        groups: list[list[Word]] = []
        current: list[Word] = []
        for word in self._words(text):
            joins = bool(current) and self._adjacent(text, current[-1], word)
            if self._may_be_name(word, context) or (
                joins and (word.initial or word.folded in PARTICLES)
            ):
                if not joins:
                    self._close(current, groups, context)
                    current = []
                current.append(word)
            else:
                self._close(current, groups, context)
                current = []
        self._close(current, groups, context)
        return groups

    @staticmethod
    def _may_be_name(word: Word, context: AnalysisContext) -> bool:
        if word.folded in context.known_names:
            return True
        if word.folded in context.not_names or word.folded in NOT_NAMES:
            return False
        return word.capitalised and not word.initial and word.folded not in TITLES

    @staticmethod
    def _adjacent(text: str, previous: Word, word: Word) -> bool:
        gap = text[previous.end : word.start]
        return gap == " " or (previous.initial and gap == ". ")

    def _close(self, group: list[Word], groups: list[list[Word]], context: AnalysisContext) -> None:
        """Trim particles, initials and everyday words off the ends; keep what remains."""

        def trimmable(word: Word) -> bool:
            return word.folded not in context.known_names and (
                word.initial or word.folded in PARTICLES or self._kind(word) is Kind.WORD
            )

        while group and trimmable(group[-1]):
            group.pop()
        while group and trimmable(group[0]):
            group.pop(0)
        if group:
            groups.append(group)

    def _score(self, text: str, group: list[Word], context: AnalysisContext) -> float:
        names = [word for word in group if not word.initial and word.folded not in PARTICLES]
        if any(word.folded in context.known_names for word in names):
            return 0.95
        kinds = [self._kind(word) for word in names]
        if any(word.folded in ORGANISATION_WORDS for word in names) or self._organisation_follows(
            text, group
        ):
            return 0.0
        before = text[max(0, group[0].start - 30) : group[0].start]
        after = text[group[-1].end : group[-1].end + 16]
        introduced = self._titled(before) or STRONG_BEFORE.search(before) is not None
        has_name = any(kind in (Kind.NAME, Kind.UNKNOWN) for kind in kinds)
        acts = PERSON_AFTER.match(after) is not None and self._speaker_position(text, group)
        if Kind.WORD in kinds:
            return 0.9 if (introduced or acts) and has_name else 0.0
        if introduced or (acts and has_name):
            return 0.9
        if not has_name:
            return 0.0
        if len(names) >= 2:
            return 0.85 if Kind.NAME in kinds else 0.6
        if kinds[0] is Kind.NAME:
            return 0.6 if self._sentence_start(text, group[0].start) else 0.7
        if SURNAME_ENDING.search(names[0].folded) and not self._sentence_start(
            text, group[0].start
        ):
            return 0.6
        return 0.0

    @staticmethod
    def _titled(before: str) -> bool:
        match = re.search(r"([A-Za-z]+)\.?\s*$", before)
        return match is not None and match.group(1).casefold() in TITLES

    @staticmethod
    def _speaker_position(text: str, group: list[Word]) -> bool:
        """A label ("Ubul:") counts only at the start of a line; verbs count anywhere."""
        after = text[group[-1].end : group[-1].end + 2]
        if not after.lstrip().startswith(":"):
            return True
        line_start = text.rfind("\n", 0, group[0].start) + 1
        return not text[line_start : group[0].start].strip()

    @staticmethod
    def _organisation_follows(text: str, group: list[Word]) -> bool:
        """A list of names that ends in an organisation word ("Davis and Hall Orchestra")."""
        tail = re.match(
            r"^(?:(?:,\s*|\s+and\s+|\s+&\s+)?\s*[A-Z][\w'’-]*)*?\s+([A-Z][\w.]*)",
            text[group[-1].end : group[-1].end + 80],
        )
        return tail is not None and tail.group(1).rstrip(".").casefold() in ORGANISATION_WORDS

    @staticmethod
    def _sentence_start(text: str, position: int) -> bool:
        index = position - 1
        while index >= 0 and text[index] == " ":
            index -= 1
        return index < 0 or text[index] in SENTENCE_END

    def _spread(self, text: str, groups: list[list[Word]], scores: list[float]) -> None:
        """Accept a candidate that repeats a found name's word, or sits in a list with one."""
        found = {
            word.folded
            for group, score in zip(groups, scores, strict=True)
            if score
            for word in group
        }
        changed = True
        while changed:
            changed = False
            for index, group in enumerate(groups):
                if scores[index] or any(self._kind(word) is Kind.WORD for word in group):
                    continue
                repeats = any(word.folded in found and not word.initial for word in group)
                listed = any(
                    scores[other] and LIST_JOINER.match(self._gap(text, groups[other], group))
                    for other in (index - 1, index + 1)
                    if 0 <= other < len(groups)
                )
                if repeats or listed:
                    scores[index] = 0.6
                    found.update(word.folded for word in group)
                    changed = True

    @staticmethod
    def _gap(text: str, first: list[Word], second: list[Word]) -> str:
        if first[0].start > second[0].start:
            first, second = second, first
        return text[first[-1].end : second[0].start]
