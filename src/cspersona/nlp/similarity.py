"""When two sentences say the same thing: one test for the chat's replies and the text checks."""

import re
from collections.abc import Iterable
from difflib import SequenceMatcher

# Sentences this similar (after lower-casing and dropping punctuation) say the same thing again,
# a typo or a different number aside: "We're payng for..." repeats "We're paying for...".
NEAR_REPEAT = 0.85
_NOT_WORD = re.compile(r"[^a-z0-9 ]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def normalised(sentence: str) -> str:
    """Lower case, letters and digits only, single spaces."""
    return " ".join(_NOT_WORD.sub(" ", sentence.lower()).split())


def says_the_same(first: str, second: str) -> bool:
    """Whether two sentences are the same but for a typo, a number or punctuation."""
    return SequenceMatcher(None, normalised(first), normalised(second)).ratio() >= NEAR_REPEAT


def sentences_of(text: str) -> list[str]:
    """The sentences of a text, split after ``.``, ``!`` or ``?``."""
    return [sentence.strip() for sentence in _SENTENCE_END.split(text) if sentence.strip()]


def repeats(text: str, said: Iterable[str]) -> bool:
    """Whether any sentence of ``text`` says again a sentence of the texts already ``said``."""
    earlier = [sentence for spoken in said for sentence in sentences_of(spoken)]
    return any(says_the_same(new, old) for new in sentences_of(text) for old in earlier)
