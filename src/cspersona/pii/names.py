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

from cspersona.pii.entities import EntityType, Span
from cspersona.pii.gazetteer import Gazetteer, load_gazetteer
from cspersona.pii.recognizer import AnalysisContext, Recognizer


def _upper_case_class() -> str:
    """A regex character class of every upper-case letter in the Basic Multilingual Plane."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x10000):
        if chr(code).isupper():
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "[" + "".join(f"{chr(a)}-{chr(b)}" if a < b else chr(a) for a, b in ranges) + "]"


CAPITALISED_WORD = re.compile(rf"\b{_upper_case_class()}[^\W\d_]*(?:['’\-][^\W\d_]+)*")
POSSESSIVE = ("'s", "’s")
PARTICLES = "van von de der den da di du del della dos das la le ten ter bin ibn al el af zu"
PARTICLE_GAP = re.compile(rf"^ (?:(?:{PARTICLES.replace(' ', '|')}) )*$")
TITLES = frozenset(
    "mr mrs ms miss mx dr prof professor sir madam dame herr frau mme mlle sr sra rev".split()
)
ORGANISATION_WORDS = frozenset(
    "inc corp corporation llc ltd gmbh plc co company group holdings technologies technology"
    " systems solutions associates partners capital labs software services consulting bank"
    " university college institute foundation orchestra agency studios media networks ventures"
    " industries international global enterprises analytics sa ag bv ab oy srl spa"
    # Legal forms and family-firm words of other countries ("Hentschel Hamann GbR", "Clerc
    # S.A.", "Mccarthy and Sons"), written without their dots.
    " sons brothers bros gbr kg ohg ug mbh nv vof stichting groep sarl sas sasu ltda sl lp llp"
    " pllc pty pvt cia sc".split()
)
NOT_NAMES = frozenset(
    "january february march april may june july august september october november december"
    " monday tuesday wednesday thursday friday saturday sunday"
    # Dates as mail clients abbreviate them ("On Mon, 3 Mar 2025 ... wrote:").
    " jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun"
    # Sign-offs and the labels of a signature's contact lines ("Best,", "Tel: +1 ...").
    " best regards cheers thanks thx sincerely yours kind warm warmest"
    " tel tele phone mobile mob cell fax email e-mail web office direct ext".split()
)
SURNAME_ENDING = re.compile(
    r"(?:ová|ova|eva|ov|ev|ovich|evich|ski|ska|ský|ská|sky|wicz|czyk|czak|enko|chuk|yan|dze"
    r"|shvili|poulos|akis|oglu|ović|ovic|vić|escu|sson|sen|dottir|dóttir|nen|inen|stein"
    r"|mann|berg|moto|mura|yama|kawa|shita|naka|uchi|ucci|etti|elli)$"
)
# Words right before a name that say a person follows ("Hi Rubija", "my name is Rubija"), as
# tuples of casefolded words; labels end in a colon ("From: Rubija").
INTRODUCTIONS = {
    tuple(phrase.split())
    for phrase in (
        "hi|hello|hey|dear|thanks|cheers|regards|sincerely|greetings|attn|cc|signed|named"
        "|called|ask|asked|told|meet|met|ping|contact|i'm|name's|thank you|name is|names is"
        "|i am|this is|call me|spoke to|spoke with|speak to|speak with|talk to|talk with"
        "|talked to|talked with|assigned to|forwarded to|my name is|reach out to"
        "|follow up with|good morning|good afternoon|good evening|morning"
    ).split("|")
}
INTRODUCTION_LENGTHS = sorted({len(phrase) for phrase in INTRODUCTIONS})
# Roles that introduce a person only right before the name ("our CTO Anna Reeves"): with a
# separator between them a company follows a job title ("Finance Manager, Bowers-Gonzales").
ROLE_INTRODUCTIONS = frozenset(
    "colleague manager ceo cto cfo coo vp director founder founders producer".split()
)
# Head words of job titles. In a signature the company comes after the title, on its line
# ("Head of IT | Stevens, Howard and Anderson", "CTO at Kranz") or on the next line.
JOB_TITLE_WORDS = frozenset(
    "manager director lead head engineer architect analyst administrator admin coordinator"
    " officer controller president vp svp evp ceo cto cfo coo cio ciso cmo cpo founder"
    " cofounder co-founder owner partner consultant specialist executive associate assistant"
    " accountant developer designer scientist advisor adviser strategist supervisor chief"
    " principal representative secretary treasurer editor producer recruiter buyer"
    " technician operator counsel attorney".split()
)
TITLE_LINE_JOINERS = frozenset(f"of and for the & at in {PARTICLES}".split())
TITLE_LINE_WORD = re.compile(r"[^\W\d_]+(?:[&'’-][^\W\d_]+)*|&")
COMPANY_SEPARATOR = re.compile(r"(?:[,|·–—(@]| - |\bat\b)[ \t]*")
# Lower-case words a company's name may have between its capitalised ones ("Magaña y Carranza").
COMPANY_JOINERS = frozenset(f"and & y e en und et of the {PARTICLES}".split())
# Lines a signature may put between the title and the company: phones, e-mail addresses.
CONTACT_LINE = re.compile(r"@|(?:\d\D{0,3}){5}")
MAX_CONTACT_LINES = 3
MAX_TITLE_LINE_WORDS = 8
LABELS = frozenset("name user contact requester author from to attn customer agent rep".split())
PERSON_AFTER = re.compile(
    r"^(?:\s*:|'s\b|’s\b|,? (?:said|says|wrote|writes|replied|asked|told|explained|shouted"
    r"|lives|lived|spent|works|worked|joined|was born|is from|had given|here)\b)"
)
# Names listed on one line ("Ann, Bob and Cy"); a comma before a line break ends a sign-off.
LIST_JOINER = re.compile(r"^(?:,[ \t]*(?:and[ \t]+)?|[ \t]+(?:and|&)[ \t]+)$")
SIGN_OFF_DASHES = frozenset({"-", "--", "—", "–"})
SENTENCE_END = frozenset('.!?\n\r\t"“”«»()[]:;')


class Kind(Enum):
    """What the word lists say about one capitalised word."""

    NAME = "name"  # in the gazetteer, not an everyday word
    AMBIGUOUS = "ambiguous"  # in the gazetteer and an everyday word ("Will")
    UNKNOWN = "unknown"  # in no list ("Szöllösy")
    WORD = "word"  # an everyday word only ("Orchestra")


@dataclass(slots=True)
class Word:
    """One capitalised word of the text, with what the recogniser needs to know about it."""

    start: int
    end: int
    folded: str
    capitalised: bool
    initial: bool
    kind: Kind


class PersonRecognizer(Recognizer):
    """People's names (PERSON) from the gazetteer, known contacts and surrounding words."""

    entities = (EntityType.PERSON,)

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        """Use the packaged gazetteer unless one is given (tests give small ones)."""
        self.gazetteer = gazetteer or load_gazetteer()

    def analyze(self, text: str, context: AnalysisContext) -> list[Span]:
        """Each candidate name whose evidence is enough, scored by how strong it is."""
        candidates = self._candidates(text, context)
        companies = [self._company_slot(text, group) for group in candidates]
        scores = [
            0.0 if company else self._score(text, group, context)
            for group, company in zip(candidates, companies, strict=True)
        ]
        self._spread(text, candidates, scores, companies)
        return [
            Span(EntityType.PERSON, group[0].start, group[-1].end, score)
            for group, score in zip(candidates, scores, strict=True)
            if score
        ]

    def _kind(self, folded: str) -> Kind:
        english = self.gazetteer.english_words
        everyday = folded in english or (
            "-" in folded and all(part in english or len(part) == 1 for part in folded.split("-"))
        )
        if self.gazetteer.is_name(folded):
            return Kind.AMBIGUOUS if everyday else Kind.NAME
        return Kind.WORD if everyday else Kind.UNKNOWN

    def _words(self, text: str) -> list[Word]:
        """The capitalised words (names start with a capital; lower-case words are skipped)."""
        words = []
        for match in CAPITALISED_WORD.finditer(text):
            token = match.group()
            if not token[0].isupper():
                continue
            start, end = match.span()
            if token.endswith(POSSESSIVE):
                end -= 2
                token = token[:-2]
            folded = token.casefold()
            capitalised = len(token) == 1 or not token.isupper()
            words.append(Word(start, end, folded, capitalised, len(token) == 1, self._kind(folded)))
        return words

    def _candidates(self, text: str, context: AnalysisContext) -> list[list[Word]]:
        """Runs of capitalised words separated by one space (or ". " after an initial)."""
        groups: list[list[Word]] = []
        current: list[Word] = []
        for word in self._words(text):
            joins = bool(current) and self._adjacent(text, current[-1], word)
            if self._may_be_name(word, context) or (joins and word.initial):
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
        parts = word.folded.split("-")
        if len(parts) > 1 and all(part in context.not_names for part in parts):
            return False  # "Bowers-Gonzales" when the company is called that
        return word.capitalised and not word.initial and word.folded not in TITLES

    @staticmethod
    def _adjacent(text: str, previous: Word, word: Word) -> bool:
        gap = text[previous.end : word.start]
        if gap == " " or (previous.initial and gap == ". "):
            return True
        return len(gap) > 2 and PARTICLE_GAP.match(gap) is not None

    def _close(self, group: list[Word], groups: list[list[Word]], context: AnalysisContext) -> None:
        """Trim initials and everyday words off the ends; keep what remains."""

        def trimmable(word: Word) -> bool:
            return (word.initial or word.kind is Kind.WORD) and (
                word.folded not in context.known_names
            )

        while group and trimmable(group[-1]):
            group.pop()
        while group and trimmable(group[0]):
            group.pop(0)
        if group:
            groups.append(group)

    def _score(self, text: str, group: list[Word], context: AnalysisContext) -> float:
        names = [word for word in group if not word.initial]
        if any(word.folded in context.known_names for word in names):
            return 0.95
        kinds = [word.kind for word in names]
        has_name = Kind.NAME in kinds or Kind.UNKNOWN in kinds
        if not has_name and (Kind.WORD in kinds or Kind.AMBIGUOUS not in kinds):
            return 0.0
        if any(word.folded in ORGANISATION_WORDS for word in names) or self._organisation_follows(
            text, group
        ):
            return 0.0
        if self._introduced(text[max(0, group[0].start - 30) : group[0].start]):
            return 0.9
        if not has_name:
            return 0.0
        if self._role_before(text[max(0, group[0].start - 12) : group[0].start]):
            return 0.9
        after = text[group[-1].end : group[-1].end + 16]
        if PERSON_AFTER.match(after) is not None and self._speaker_position(text, group):
            return 0.9
        if Kind.WORD in kinds:
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
    def _introduced(before: str) -> bool:
        """A title, greeting, introduction or label right before the name."""
        stripped = before.rstrip()
        words = stripped.casefold().replace(",", " ").split()
        if not words:
            return False
        if stripped.endswith(":"):
            return words[-1].rstrip(":") in LABELS
        if words[-1].rstrip(".") in TITLES:
            return True
        if stripped[stripped.rfind("\n") + 1 :].strip() in SIGN_OFF_DASHES:
            return True
        return any(tuple(words[-length:]) in INTRODUCTIONS for length in INTRODUCTION_LENGTHS)

    @staticmethod
    def _role_before(before: str) -> bool:
        """A role right before the name, with nothing between them ("our CTO Anna")."""
        words = before.split(" ")
        return len(words) >= 2 and words[-1] == "" and words[-2].casefold() in ROLE_INTRODUCTIONS

    @staticmethod
    def _company_slot(text: str, group: list[Word]) -> bool:
        """Where a signature puts the company: after a job title, on its line or the next."""
        line_start = text.rfind("\n", 0, group[0].start) + 1
        before = text[line_start : group[0].start]
        for separator in COMPANY_SEPARATOR.finditer(before):
            if _title_line(before[: separator.start()]) and _company_words(
                before[separator.end() :]
            ):
                return True
        if not _company_words(before):
            return False
        for _ in range(MAX_CONTACT_LINES + 1):
            if line_start < 2:
                return False
            previous_start = text.rfind("\n", 0, line_start - 1) + 1
            previous = text[previous_start : line_start - 1]
            if not CONTACT_LINE.search(previous):
                return _title_line(previous)
            line_start = previous_start
        return False

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
        """Names listed up to an organisation word on their line ("Davis and Hall Orchestra")."""
        tail = re.match(
            r"^(?:(?:,[ \t]*|[ \t]+and[ \t]+|[ \t]+&[ \t]+)?[ \t]*[A-Z][\w'’-]*)*?"
            r"[ \t]+([A-Z][\w.]*)",
            text[group[-1].end : group[-1].end + 80],
        )
        return tail is not None and tail.group(1).replace(".", "").casefold() in ORGANISATION_WORDS

    @staticmethod
    def _sentence_start(text: str, position: int) -> bool:
        index = position - 1
        while index >= 0 and text[index] == " ":
            index -= 1
        return index < 0 or text[index] in SENTENCE_END

    def _spread(
        self, text: str, groups: list[list[Word]], scores: list[float], companies: list[bool]
    ) -> None:
        """Accept a candidate that repeats a found name's word, or sits in a list with one.

        Candidates where a company goes (``companies``) stay out, even if a person shares the
        company's name.
        """
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
                if (
                    scores[index]
                    or companies[index]
                    or any(word.kind is Kind.WORD for word in group)
                ):
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


def _title_line(segment: str) -> bool:
    """A job title as signatures write it: a few capitalised words, one of them a role."""
    words = TITLE_LINE_WORD.findall(segment)
    if not 0 < len(words) <= MAX_TITLE_LINE_WORDS or any(c.isdigit() for c in segment):
        return False
    if not all(word[0].isupper() or word.casefold() in TITLE_LINE_JOINERS for word in words):
        return False
    return any(word.casefold() in JOB_TITLE_WORDS for word in words)


def _company_words(segment: str) -> bool:
    """Whether ``segment`` could be the start of a company's name: capitalised words, joiners."""
    if any(c.isdigit() for c in segment):
        return False
    return all(
        word[0].isupper() or word.casefold() in COMPANY_JOINERS
        for word in TITLE_LINE_WORD.findall(segment)
    )
