"""The word lists shipped in ``data/``: given names, family names, English words, pseudonyms.

See ``data/README.md`` for where each list comes from and under which licence.
"""

from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")


def _words(name: str) -> list[str]:
    lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line]


@dataclass(frozen=True)
class Gazetteer:
    """Casefolded name lists for detection, and display-case lists for pseudonyms."""

    first_names: frozenset[str]
    last_names: frozenset[str]
    english_words: frozenset[str]
    pseudonym_first_names: tuple[str, ...]
    pseudonym_last_names: tuple[str, ...]

    @cached_property
    def common_given_names(self) -> frozenset[str]:
        """Casefolded pseudonym given names: the English given names (tell "James" is given)."""
        return frozenset(name.casefold() for name in self.pseudonym_first_names)

    @cached_property
    def common_family_names(self) -> frozenset[str]:
        """Casefolded pseudonym family names: the English family names ("Miller")."""
        return frozenset(name.casefold() for name in self.pseudonym_last_names)

    def is_name(self, word: str) -> bool:
        """Whether the casefolded ``word`` is a known given or family name."""
        return word in self.first_names or word in self.last_names


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """Read the packaged lists once per process (about 50,000 names, 30 ms)."""
    return Gazetteer(
        first_names=frozenset(_words("first_names.txt")),
        last_names=frozenset(_words("last_names.txt")),
        english_words=frozenset(_words("english_words.txt") + _words("business_words.txt")),
        pseudonym_first_names=tuple(_words("pseudonym_first_names.txt")),
        pseudonym_last_names=tuple(_words("pseudonym_last_names.txt")),
    )
