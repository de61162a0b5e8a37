"""When two sentences say the same thing: one test for the chat's replies and the text checks."""

import re
from collections.abc import Iterable
from difflib import SequenceMatcher
from functools import lru_cache

# Sentences this similar (after lower-casing and dropping punctuation) say the same thing again,
# a typo or a different number aside: "We're payng for..." repeats "We're paying for...".
NEAR_REPEAT = 0.85
# Sentences opening with the same this many words are one template said twice.
SAME_OPENING = 6
# Sentences sharing this share of their words, in order, say the same thing.
SAME_WORDS = 0.8
# Sentences of at least this many words that differ in one word only say the same thing.
ONE_WORD_APART = 5
# Below this share of words in common, two sentences cannot be that similar letter by letter.
SHARED_WORDS = 0.5
_NOT_WORD = re.compile(r"[^a-z0-9 ]")
# A word holding a digit (an amount, a count, an id such as req_1f3a) is the same word whatever
# its value: "Export job id req_1f3a" says again "Export job id req_9c2b".
_WITH_DIGIT = re.compile(r"\b\w*\d\w*\b")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@lru_cache(maxsize=8192)
def normalised(sentence: str) -> str:
    """Lower case, letters only, every word with a digit as ``#``, single spaces."""
    words = _NOT_WORD.sub(" ", sentence.lower())
    return " ".join(_WITH_DIGIT.sub("#", words).split())


def says_the_same(first: str, second: str) -> bool:
    """Whether two sentences say the same but for a typo, a number, a word or punctuation.

    "Others in my marketing team see it too" says again "Others in my sales team see it too",
    and one template said twice is a repeat too: "We already tried that before contacting you
    about the invoice" and "... about the seat count".

    Sentences sharing less than half their words are told apart word by word first: comparing
    characters is the slow part, and a chat compares each new sentence with all said before.
    """
    one, other = normalised(first), normalised(second)
    tokens, other_tokens = one.split(), other.split()
    if one == other or _one_word_apart(tokens, other_tokens):
        return True
    if len(tokens) >= SAME_OPENING and tokens[:SAME_OPENING] == other_tokens[:SAME_OPENING]:
        return True  # one template said twice: "We already tried that before contacting you..."
    some, theirs = _words(one), _words(other)
    if len(some & theirs) < SHARED_WORDS * max(len(some), len(theirs)):
        return False
    if min(len(tokens), len(other_tokens)) >= ONE_WORD_APART and (
        SequenceMatcher(None, tokens, other_tokens, autojunk=False).ratio() >= SAME_WORDS
    ):
        return True  # the same words in order but for a typo and a short stretch
    # difflib's ratio depends on the order of its arguments; either order saying so is enough.
    return (
        max(SequenceMatcher(None, one, other).ratio(), SequenceMatcher(None, other, one).ratio())
        >= NEAR_REPEAT
    )


def _one_word_apart(words: list[str], others: list[str]) -> bool:
    """Same length (of a full sentence) and the same words but in one place."""
    if len(words) != len(others) or len(words) < ONE_WORD_APART:
        return False
    return sum(word != other for word, other in zip(words, others, strict=True)) == 1


@lru_cache(maxsize=8192)
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def sentences_of(text: str) -> list[str]:
    """The sentences of a text, split after ``.``, ``!`` or ``?``."""
    return [sentence.strip() for sentence in _SENTENCE_END.split(text) if sentence.strip()]


def repeats(text: str, said: Iterable[str]) -> bool:
    """Whether any sentence of ``text`` says again a sentence of the texts already ``said``."""
    earlier = [sentence for spoken in said for sentence in sentences_of(spoken)]
    return any(says_the_same(new, old) for new in sentences_of(text) for old in earlier)
