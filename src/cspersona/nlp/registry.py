"""Pluggable analysers in Presidio's shape: an abstract analyser and a registry of them."""

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from typing import Any, Generic, TypeVar

ResultT = TypeVar("ResultT")


class Analyzer(ABC, Generic[ResultT]):
    """One analyser of one task: named, versioned, loaded once, applied to batches of texts.

    ``version`` goes into ``message_analysis.analyser_versions``; bump it whenever the analyser's
    output can change, so stored results are recomputed.
    """

    task: str
    name: str
    version: str

    def __init__(self) -> None:
        """Start unloaded."""
        self._loaded = False

    @abstractmethod
    def load(self) -> None:
        """Read models and resources; called once before the first batch."""

    @abstractmethod
    def analyze_batch(self, texts: Sequence[str]) -> list[ResultT]:
        """One result per text, in order."""

    def analyze(self, texts: Sequence[str]) -> list[ResultT]:
        """Load on first use, then analyse ``texts``."""
        if not self._loaded:
            self.load()
            self._loaded = True
        return self.analyze_batch(texts)

    @property
    def signature(self) -> str:
        """``name@version``, as stored per message."""
        return f"{self.name}@{self.version}"


class AnalyzerRegistry:
    """The analysers an engine runs, at most one per task; add, remove, or build from settings."""

    def __init__(self, analyzers: Iterable[Analyzer[Any]] = ()) -> None:
        """Register ``analyzers``."""
        self._by_task: dict[str, Analyzer[Any]] = {}
        for analyzer in analyzers:
            self.add(analyzer)

    def add(self, analyzer: Analyzer[Any]) -> None:
        """Register ``analyzer`` for its task, replacing any analyser of that task."""
        self._by_task[analyzer.task] = analyzer

    def remove(self, task: str) -> None:
        """Stop running ``task``."""
        self._by_task.pop(task, None)

    def get(self, task: str) -> Analyzer[Any] | None:
        """The analyser of ``task``, if one is registered."""
        return self._by_task.get(task)

    @property
    def tasks(self) -> list[str]:
        """Registered tasks in registration order."""
        return list(self._by_task)

    @property
    def versions(self) -> dict[str, str]:
        """Task -> ``name@version`` of every registered analyser."""
        return {task: analyzer.signature for task, analyzer in self._by_task.items()}
