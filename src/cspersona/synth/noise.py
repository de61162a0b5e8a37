"""How people really type: slips of the finger, applied to customers' words only."""

import math
import random

# Neighbouring keys on a QWERTY keyboard, for realistic slips.
NEIGHBOURS = {
    "a": "qsz", "b": "vn", "c": "xv", "d": "sfe", "e": "wrd", "f": "dgr", "g": "fht", "h": "gjy",
    "i": "uok", "j": "hku", "k": "jli", "l": "ko", "m": "n", "n": "bm", "o": "ipl", "p": "o",
    "q": "wa", "r": "etf", "s": "adw", "t": "ryg", "u": "yij", "v": "cb", "w": "qes", "x": "zc",
    "y": "tuh", "z": "xa",
}  # fmt: skip
MIN_TYPO_LENGTH = 4


def add_typos(text: str, rate: float, rng: random.Random) -> str:
    """Mistype words of four or more letters, each with probability ``rate``.

    Jumps from one slip to the next (geometric gaps) instead of rolling a die per word: most
    messages have no typo at all, and this keeps them almost free.
    """
    if rate <= 0:
        return text
    words = text.split(" ")
    log_keep = math.log1p(-min(rate, 0.999))
    position = int(math.log(1.0 - rng.random()) / log_keep)
    while position < len(words):
        word = words[position]
        if len(word) >= MIN_TYPO_LENGTH and word.isalpha():
            words[position] = mistype(word, rng)
        position += 1 + int(math.log(1.0 - rng.random()) / log_keep)
    return " ".join(words)


def mistype(word: str, rng: random.Random) -> str:
    """One slip: two letters swapped, one dropped or doubled, or a neighbouring key hit."""
    position = rng.randrange(1, len(word) - 1)
    slip = rng.randrange(4)
    if slip == 0:
        return word[:position] + word[position + 1] + word[position] + word[position + 2 :]
    if slip == 1:
        return word[:position] + word[position + 1 :]
    if slip == 2:
        return word[:position] + word[position] + word[position:]
    neighbours = NEIGHBOURS.get(word[position].lower())
    if not neighbours:
        return word[:position] + word[position] + word[position:]
    return word[:position] + rng.choice(neighbours) + word[position + 1 :]
