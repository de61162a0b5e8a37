"""Language detection with lingua, restricted to the configured languages."""

from collections.abc import Sequence

from cspersona.exceptions import ConfigError
from cspersona.nlp.registry import Analyzer


class LinguaLanguage(Analyzer[str]):
    """ISO 639-1 code per text; texts shorter than ``min_characters`` get the default language.

    Low-accuracy mode (trigrams only) and parallel detection keep it a small share of runtime; the
    restriction to a few languages is what makes short texts reliable.
    """

    task = "language"
    name = "lingua"
    version = "1"
    min_characters = 20
    max_characters = 1000

    def __init__(self, languages: Sequence[str], default: str) -> None:
        """Choose among ``languages``; ``default`` for short texts."""
        super().__init__()
        self.languages = tuple(code.lower() for code in languages)
        self.default = default.lower()

    def load(self) -> None:
        """Build a detector for the configured languages only."""
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

        try:
            languages = [
                Language.from_iso_code_639_1(IsoCode639_1.from_str(code)) for code in self.languages
            ]
        except ValueError:
            raise ConfigError(
                f"CSPERSONA_NLP_LANGUAGES: {list(self.languages)} holds a code lingua does not "
                "know; use ISO 639-1 codes such as en, es, de"
            ) from None
        # lingua needs two languages to choose between; with one there is nothing to detect.
        self._detector = (
            LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()
            if len(languages) > 1
            else None
        )

    def analyze_batch(self, texts: Sequence[str]) -> list[str]:
        """Detect the longer texts in parallel; the rest take the default."""
        results = [self.default] * len(texts)
        if self._detector is None:
            return [self.languages[0]] * len(texts)
        positions = [index for index, text in enumerate(texts) if len(text) >= self.min_characters]
        detected = self._detector.detect_languages_in_parallel_of(
            [texts[index][: self.max_characters] for index in positions]
        )
        for index, language in zip(positions, detected, strict=True):
            if language is not None:
                results[index] = language.iso_code_639_1.name.lower()
        return results
