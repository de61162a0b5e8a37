"""The NLP engine: runs a registry of analysers over cleaned texts, one result per text.

Large batches are shared among worker processes (``CSPERSONA_NLP_WORKERS``): the analysers are
pure Python and Cython under the GIL, so processes, not threads, are what use a second core.
"""

import multiprocessing
import pickle
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from cspersona.catalogue.models import Catalogue, load_catalogue
from cspersona.config import Settings, process_count
from cspersona.conversations.hygiene import HYGIENE_VERSION
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
    """Cleans texts and runs each registered analyser on the whole batch.

    With ``workers`` above 1, batches of at least ``parallel_min_texts`` are split among that
    many worker processes, each with its own copy of the (unloaded) registry; smaller batches run
    here. Close the engine (or use it as a context manager) to stop the workers.
    """

    parallel_min_texts = 1000

    def __init__(
        self,
        registry: AnalyzerRegistry | None = None,
        *,
        settings: Settings,
        workers: int | None = None,
    ) -> None:
        """Run ``registry``, or the analysers ``settings`` choose, in ``workers`` processes."""
        self.registry = registry if registry is not None else default_registry(settings)
        unknown = set(self.registry.tasks) - set(TASKS)
        if unknown:
            raise ConfigError(f"no such NLP task: {', '.join(sorted(unknown))}; tasks are {TASKS}")
        self.workers = workers if workers is not None else process_count(settings.nlp_workers)
        # Pickled now, before any analyser loads its models: workers load their own.
        self._pickled_registry = pickle.dumps(self.registry) if self.workers > 1 else b""
        self._pool: ProcessPoolExecutor | None = None

    @property
    def versions(self) -> dict[str, str]:
        """Task -> ``name@version``: what a stored result must match to count as current.

        The cleaning rules count too: a result computed on differently cleaned text is stale.
        """
        return {"cleaning": HYGIENE_VERSION, **self.registry.versions}

    def analyze(self, texts: Sequence[str]) -> list[TextAnalysis]:
        """One :class:`TextAnalysis` per text, in order."""
        if self.workers > 1 and len(texts) >= self.parallel_min_texts:
            return self._analyze_in_workers(texts)
        return analyze_with(self.registry, texts)

    def _analyze_in_workers(self, texts: Sequence[str]) -> list[TextAnalysis]:
        """Contiguous shares of ``texts``, one per worker, results in order."""
        if self._pool is None:
            # spawn, not fork: lingua and torch start threads that a forked child cannot use.
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(self._pickled_registry,),
            )
        share = -(-len(texts) // self.workers)
        shares = [list(texts[start : start + share]) for start in range(0, len(texts), share)]
        return [result for part in self._pool.map(_analyze_in_worker, shares) for result in part]

    def close(self) -> None:
        """Stop the worker processes, if any started."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def __enter__(self) -> "NlpEngine":
        """Use as ``with NlpEngine(...) as engine:`` to stop workers on leaving."""
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        """Stop the workers."""
        self.close()


def analyze_with(registry: AnalyzerRegistry, texts: Sequence[str]) -> list[TextAnalysis]:
    """Clean ``texts`` and run every analyser of ``registry`` on them, in this process."""
    cleaned = [clean_text(text) for text in texts]
    results = [TextAnalysis(cleaned_text=text) for text in cleaned]
    if not cleaned:
        return results
    for task in registry.tasks:
        analyzer = registry.get(task)
        assert analyzer is not None
        for result, value in zip(results, analyzer.analyze(cleaned), strict=True):
            setattr(result, task, value)
    return results


_worker_registry: AnalyzerRegistry | None = None


def _start_worker(pickled_registry: bytes) -> None:
    """Give this worker process its own registry; analysers load on their first batch."""
    global _worker_registry
    _worker_registry = pickle.loads(pickled_registry)


def _analyze_in_worker(texts: list[str]) -> list[TextAnalysis]:
    """One share of a batch, analysed in a worker process."""
    assert _worker_registry is not None, "worker started without a registry"
    return analyze_with(_worker_registry, texts)
