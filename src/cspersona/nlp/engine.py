"""The NLP engine: runs a registry of analysers over cleaned texts, one result per text."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cspersona.catalogue.models import Catalogue, load_catalogue
from cspersona.config import Settings
from cspersona.exceptions import ConfigError
from cspersona.nlp.cleaning import clean_text
from cspersona.nlp.emotions import NO_EMOTIONS, LinearEmotions
from cspersona.nlp.entities import Entity, RuleEntities
from cspersona.nlp.language import LinguaLanguage
from cspersona.nlp.registry import Analyzer, AnalyzerRegistry
from cspersona.nlp.sentiment import (
    NEUTRAL_SENTIMENT,
    LinearSentiment,
    Sentiment,
    TransformersSentiment,
    VaderSentiment,
)
from cspersona.nlp.sophistication import LexicalSophistication

TASKS = ("sentiment", "emotions", "entities", "language", "sophistication")


@dataclass
class TextAnalysis:
    """Every signal for one text; each task's analyser fills the field of the task's name."""

    cleaned_text: str
    sentiment: Sentiment = NEUTRAL_SENTIMENT
    emotions: dict[str, float] = field(default_factory=lambda: dict(NO_EMOTIONS))
    entities: list[Entity] = field(default_factory=list)
    language: str | None = None
    sophistication: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready fields."""
        return {
            "sentiment": {"label": self.sentiment.label, "score": self.sentiment.score},
            "emotions": self.emotions,
            "entities": self.entities,
            "language": self.language,
            "sophistication": self.sophistication,
            "cleaned_text": self.cleaned_text,
        }


def sentiment_analyzer(settings: Settings) -> Analyzer[Sentiment]:
    """The sentiment backend ``CSPERSONA_NLP_SENTIMENT_BACKEND`` selects."""
    if settings.nlp_sentiment_backend == "vader":
        return VaderSentiment()
    if settings.nlp_sentiment_backend == "transformers":
        return TransformersSentiment(settings.nlp_transformers_model)
    return LinearSentiment()


def default_registry(
    settings: Settings,
    *,
    catalogue: Catalogue | None = None,
    company_names: Sequence[str] = (),
) -> AnalyzerRegistry:
    """Every task with the backend the settings choose."""
    catalogue = catalogue or load_catalogue(settings.catalogue_path)
    return AnalyzerRegistry(
        [
            sentiment_analyzer(settings),
            LinearEmotions(),
            RuleEntities(
                catalogue, company_names=company_names, spacy_model=settings.nlp_spacy_model
            ),
            LinguaLanguage(settings.nlp_languages, settings.nlp_default_language),
            LexicalSophistication(extra_terms=catalogue.integrations),
        ]
    )


class NlpEngine:
    """Cleans texts and runs each registered analyser on the whole batch."""

    def __init__(self, registry: AnalyzerRegistry | None = None, *, settings: Settings) -> None:
        """Run ``registry``, or the analysers ``settings`` choose."""
        self.registry = registry if registry is not None else default_registry(settings)
        unknown = set(self.registry.tasks) - set(TASKS)
        if unknown:
            raise ConfigError(f"no such NLP task: {', '.join(sorted(unknown))}; tasks are {TASKS}")

    @property
    def versions(self) -> dict[str, str]:
        """Task -> ``name@version``: what a stored result must match to count as current."""
        return self.registry.versions

    def analyze(self, texts: Sequence[str]) -> list[TextAnalysis]:
        """One :class:`TextAnalysis` per text, in order."""
        cleaned = [clean_text(text) for text in texts]
        results = [TextAnalysis(cleaned_text=text) for text in cleaned]
        if not cleaned:
            return results
        for task in self.registry.tasks:
            analyzer = self.registry.get(task)
            assert analyzer is not None
            for result, value in zip(results, analyzer.analyze(cleaned), strict=True):
                setattr(result, task, value)
        return results
