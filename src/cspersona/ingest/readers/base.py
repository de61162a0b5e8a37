"""The reader contract: turn one input path into raw records, streaming."""

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from cspersona.ingest.mapping import ColumnMapping
from cspersona.ingest.records import RawRecord


@dataclass
class ReadOptions:
    """What the user told the import, and where readers report side notes.

    ``customer`` is the customer external id for sources that do not name one (text files,
    transcripts); ``agents`` are speaker names to read as the vendor's side of a call.
    """

    mapping: ColumnMapping | None = None
    customer: str | None = None
    agents: frozenset[str] = frozenset()
    on_read: Callable[[int], None] | None = None
    notes: list[str] = field(default_factory=list)


class Reader(ABC):
    """Reads one kind of input into raw records.

    ``grouped`` readers yield each conversation's messages right after its interaction, so a
    conversation is complete when the next one starts; ``entity_ordered`` readers yield entity
    after entity (customers, then contacts...), so messages are complete once a later entity
    starts. ``label`` is what ``interactions.source`` says for conversations read.
    """

    name: ClassVar[str]
    label: ClassVar[str] = "import"
    grouped: ClassVar[bool] = False
    entity_ordered: ClassVar[bool] = False

    @abstractmethod
    def read(self, path: Path, options: ReadOptions) -> Iterator[RawRecord]:
        """The records of ``path``; an unreadable input raises ``InputProblem``."""

    def source_label(self, options: ReadOptions) -> str:
        """What ``interactions.source`` says for conversations from this reader."""
        return options.mapping.source if options.mapping is not None else self.label
