"""Anonymising imported records before they are stored, with what the import knows.

Text fields (messages, subjects, NPS comments, notes, quarantined raw records) go through the
PII redactor; the names of the customer's contacts seen in this import help it find people,
and the product catalogue and the customer's company name keep it from taking product or
company words for names. Contacts' own name, e-mail and phone are pseudonymised with the same
keyed function as text, so a contact's stored name is the pseudonym their messages show.

Detection is the costly step of an import, and each text is independent: batches of many
texts are spread over worker processes (``CSPERSONA_INGEST_WORKERS``). Pseudonyms come from a
keyed hash, so every process gives a person the same one.
"""

import math
import multiprocessing
import re
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from cspersona.catalogue.models import Catalogue
from cspersona.config import Settings, process_count
from cspersona.pii.anonymizer import PiiRedactor
from cspersona.pii.operators import KeyedHash, Pseudonymize
from cspersona.pii.recognizer import AnalysisContext

WORD = re.compile(r"[^\W\d_]{2,}")
PARALLEL_MIN_TEXTS = 500
CHUNKS_PER_WORKER = 4

_worker_redactor: PiiRedactor | None = None


def _start_worker(settings: Settings) -> None:
    global _worker_redactor
    _worker_redactor = PiiRedactor.from_settings(settings)


def _redact_chunk(items: list[tuple[str, AnalysisContext]]) -> list[str]:
    assert _worker_redactor is not None, "the pool initialiser builds the redactor"
    return [_worker_redactor.redact(text, context) for text, context in items]


def worker_count(settings: Settings) -> int:
    """Processes to anonymise with: the setting, or one per CPU core (at most four)."""
    return process_count(settings.ingest_workers)


def words_of(*texts: str | None) -> set[str]:
    """Casefolded words of two letters or more."""
    return {word.casefold() for text in texts if text for word in WORD.findall(text)}


@dataclass(frozen=True)
class Scope:
    """Whose text it is: the customer, and the people taking part in the conversation."""

    customer: str | None = None
    participants: frozenset[str] = frozenset()

    @classmethod
    def of(cls, customer: str | None, people: list[str] | None = None) -> "Scope":
        """A scope from a customer and people's names (as written)."""
        return cls(customer, frozenset(words_of(*(people or []))))


NO_SCOPE = Scope()


def catalogue_words(catalogue: Catalogue) -> frozenset[str]:
    """Every word of the product, plans, features, integrations and competitors."""
    texts = [catalogue.product, *catalogue.plans, *catalogue.integrations, *catalogue.competitors]
    for feature in catalogue.features:
        texts.extend([feature.name, *feature.aliases])
    return frozenset(words_of(*texts))


class RecordAnonymizer:
    """Applies the PII settings to the fields of imported records."""

    def __init__(self, settings: Settings, catalogue: Catalogue) -> None:
        """Build the redactor once per import (the gazetteer loads once per process)."""
        self.settings = settings
        self.workers = worker_count(settings)
        self.pool: ProcessPoolExecutor | None = None
        self.keyed_hash = KeyedHash(settings.secret_key)
        self.redactor = PiiRedactor.from_settings(settings) if settings.pii_enabled else None
        self.pseudonyms = Pseudonymize(self.keyed_hash)
        self.keep_contact_fields = not settings.pii_enabled or settings.pii_contact_fields == "keep"
        self.product_words = catalogue_words(catalogue)
        self.contact_names: dict[str, set[str]] = {}
        self.company_names: dict[str, set[str]] = {}
        self.contexts: dict[str | None, AnalysisContext] = {}

    def know_company(self, customer: str, company_name: str | None) -> None:
        """The customer's company name: its words are not people's names."""
        self.company_names.setdefault(customer, set()).update(words_of(company_name))
        self.contexts.pop(customer, None)

    def know_contact(self, customer: str, name: str | None) -> None:
        """A contact's real name: found as a name in this customer's conversations."""
        self.contact_names.setdefault(customer, set()).update(words_of(name))
        self.contexts.pop(customer, None)

    def context(self, scope: Scope) -> AnalysisContext:
        """What detection knows in ``scope``: its people's names; product and company words."""
        context = self.contexts.get(scope.customer)
        if context is None:
            known = frozenset(self.contact_names.get(scope.customer or "", ()))
            company = self.company_names.get(scope.customer or "", set()) - known
            context = AnalysisContext(known_names=known, not_names=self.product_words | company)
            self.contexts[scope.customer] = context
        if not scope.participants:
            return context
        return AnalysisContext(
            known_names=context.known_names | scope.participants,
            not_names=context.not_names - scope.participants,
        )

    def text(self, value: str | None, scope: Scope = NO_SCOPE) -> str | None:
        """``value`` with its PII replaced as configured."""
        if not value or self.redactor is None:
            return value
        return self.redactor.redact(value, self.context(scope))

    def texts(self, items: list[tuple[str | None, Scope]]) -> list[str | None]:
        """Many ``(text, scope)`` pairs anonymised at once, across processes when many."""
        if self.redactor is None:
            return [value for value, _scope in items]
        todo = [
            (index, value, self.context(scope))
            for index, (value, scope) in enumerate(items)
            if value
        ]
        if len(todo) >= PARALLEL_MIN_TEXTS and self.workers > 1:
            size = math.ceil(len(todo) / (self.workers * CHUNKS_PER_WORKER))
            chunks = [
                [(value, context) for _index, value, context in todo[start : start + size]]
                for start in range(0, len(todo), size)
            ]
            redacted = [text for chunk in self._pool().map(_redact_chunk, chunks) for text in chunk]
        else:
            redacted = [self.redactor.redact(value, context) for _index, value, context in todo]
        results = [value for value, _scope in items]
        for (index, _value, _context), text in zip(todo, redacted, strict=True):
            results[index] = text
        return results

    def _pool(self) -> ProcessPoolExecutor:
        if self.pool is None:
            # Forking copies the loaded word lists for free, but is only safe without threads.
            method = "fork" if threading.active_count() == 1 else "spawn"
            self.pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context(method),
                initializer=_start_worker,
                initargs=(self.settings,),
            )
        return self.pool

    def close(self) -> None:
        """Stop the worker processes, if any were started."""
        if self.pool is not None:
            self.pool.shutdown()
            self.pool = None

    def contact_fields(
        self, name: str | None, email: str | None, phone: str | None
    ) -> dict[str, str | None]:
        """A contact's name, e-mail and phone as they are stored."""
        if self.keep_contact_fields:
            return {"name": name, "email": email, "phone": phone}
        return {
            "name": self.pseudonyms.person(name) if name else None,
            "email": self.pseudonyms.email(email) if email else None,
            "phone": self.pseudonyms.phone(phone) if phone else None,
        }
