"""Loading validated records in batches, each batch one transaction.

A batch holds up to ``CSPERSONA_INGEST_BATCH_SIZE`` records; it is written with its quarantine
rows and the run's updated counts, then committed, so an interrupted import leaves whole
batches only, and running it again loads the rest (what is stored counts as duplicates).
Conversations join a batch only once complete (all their messages read), because duplicates
are judged on the whole conversation. The writer goes in reference order (customers, contacts,
conversations, messages, NPS, usage, lifecycle), resolving external ids to database ids from
what this import stored and, for the rest, from the database.
"""

import hashlib
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from cspersona.conversations.hygiene import clean_body
from cspersona.conversations.models import Interaction, Message
from cspersona.customers.models import Contact, Customer, LifecycleEvent, NpsResponse, UsageDaily
from cspersona.ingest.anonymize import RecordAnonymizer, Scope
from cspersona.ingest.dedup import (
    Fingerprint,
    MinHasher,
    Signature,
    content_hash,
    from_bytes,
    most_similar,
    normalised_words,
    to_bytes,
    within_window,
)
from cspersona.ingest.models import (
    IngestionRun,
    InteractionFingerprint,
    QuarantinedRecord,
    QuarantineKind,
)
from cspersona.ingest.records import Entity, RawRecord
from cspersona.ingest.schemas import EntityCounts
from cspersona.ingest.validation import Validator

QUERY_CHUNK = 2000
QUARANTINE_RAW_CHARS = 200_000
T = TypeVar("T")
Key = Callable[["Pending"], Hashable]


@dataclass(slots=True)
class Pending:
    """A validated record waiting for its batch."""

    record: RawRecord
    model: Any


@dataclass
class Conversation:
    """An interaction and the messages read for it so far."""

    interaction: Pending
    source: str
    messages: list[Pending] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        """Interactions are unique per source and external id."""
        return self.source, self.interaction.model.external_id


@dataclass
class Candidate:
    """A new conversation being checked against stored and earlier ones."""

    conversation: Conversation
    customer_id: int
    digest: str | None
    signature: Signature | None

    @property
    def location(self) -> str:
        """Where its interaction record is."""
        return self.conversation.interaction.record.location


@dataclass(slots=True)
class Seen:
    """The first record of a key in this import: where it was and what it held."""

    location: str
    digest: bytes


@dataclass
class Batch:
    """Records waiting to be written together, and the ones refused on the way."""

    records: dict[Entity, list[Pending]] = field(
        default_factory=lambda: {entity: [] for entity in Entity}
    )
    conversations: list[Conversation] = field(default_factory=list)
    rejected: list[tuple[RawRecord, str, QuarantineKind]] = field(default_factory=list)
    size: int = 0


@dataclass(frozen=True)
class LoadSettings:
    """The settings the loader needs."""

    batch_size: int
    near_duplicate_threshold: float


def _chunks(values: Sequence[T]) -> Iterable[Sequence[T]]:
    for start in range(0, len(values), QUERY_CHUNK):
        yield values[start : start + QUERY_CHUNK]


def _digest(record: RawRecord) -> bytes:
    """What a record held, to tell a repeated record from a different one with the same id."""
    return hashlib.blake2b(record.raw.encode("utf-8"), digest_size=12).digest()


def _message_key(conversation: tuple[str, str]) -> Key:
    """Messages are unique per conversation and ``seq``."""

    def key(item: Pending) -> Hashable:
        return (*conversation, item.model.seq)

    return key


def _message_row(interaction_id: int, pending: Pending) -> dict[str, Any]:
    """A message as stored (its raw text and its clean body), before anonymisation."""
    model = pending.model
    return {
        "interaction_id": interaction_id,
        "seq": model.seq,
        "author_role": model.author_role,
        "author_id": model.author_id,
        "sent_at": model.sent_at,
        "text": model.text,
        "body": clean_body(model.text),
        "external_id": model.external_id,
    }


def _same_id_reason(first: Seen) -> str:
    return f"the same id as {first.location}, with different values; the first was kept"


class Loader:
    """Receives raw records, validates them and writes them in all-or-nothing batches."""

    def __init__(
        self,
        *,
        db_session: Session,
        run: IngestionRun,
        anonymizer: RecordAnonymizer,
        settings: LoadSettings,
    ) -> None:
        """Load into ``run``, anonymising with ``anonymizer``."""
        self.db_session = db_session
        self.run = run
        self.anonymizer = anonymizer
        self.settings = settings
        self.counts = {entity.value: EntityCounts() for entity in Entity}
        self.batch = Batch()
        self.writing = Batch()
        self.minhasher = MinHasher()
        self.pending: dict[str, Conversation] = {}
        # What this import has read and stored, so keys and references resolve without queries.
        self.seen: dict[Entity, dict[Hashable, Seen]] = {entity: {} for entity in Entity}
        self.customer_ids: dict[str, int] = {}
        self.contact_ids: dict[str, int] = {}
        self.interaction_ids: dict[tuple[str, str], int] = {}
        self.content_hashes: dict[str, list[tuple[datetime, str]]] = {}
        self.fingerprints: dict[int, list[Fingerprint]] = {}
        self.source = self.reader_name = "import"
        self.grouped = self.entity_ordered = False
        self.validator: Validator | None = None

    # Receiving -------------------------------------------------------------------------

    def begin_input(
        self,
        *,
        source: str,
        reader_name: str,
        grouped: bool,
        entity_ordered: bool,
        validator: Validator,
    ) -> None:
        """Records that follow come from one input read by ``reader_name``.

        ``grouped``: each conversation's messages follow its interaction directly.
        ``entity_ordered``: records come entity by entity (a dataset folder), so messages
        are complete once a later entity starts.
        """
        self.end_input()
        self.source, self.reader_name = source, reader_name
        self.grouped, self.entity_ordered = grouped, entity_ordered
        self.validator = validator

    def receive(self, record: RawRecord) -> None:
        """Validate one record and queue it; write the batch when it is full."""
        assert self.validator is not None, "begin_input() comes first"
        model: Any = self.validator.validate(record)
        if isinstance(model, str):
            self.batch.rejected.append((record, model, QuarantineKind.INVALID))
            self.batch.size += 1
        elif record.entity is Entity.INTERACTIONS:
            self._receive_interaction(Pending(record, model))
        elif record.entity is Entity.MESSAGES and model.interaction_external_id in self.pending:
            self.pending[model.interaction_external_id].messages.append(Pending(record, model))
        else:
            if self.entity_ordered and record.entity is not Entity.MESSAGES:
                self._release_conversations()
            self.batch.records[record.entity].append(Pending(record, model))
            self.batch.size += 1
        if self.batch.size >= self.settings.batch_size:
            self.flush()

    def _receive_interaction(self, pending: Pending) -> None:
        if self.grouped:
            self._release_conversations()
        first = self.pending.get(pending.model.external_id)
        if first is None:
            self.pending[pending.model.external_id] = Conversation(pending, self.source)
            return
        seen = Seen(first.interaction.record.location, _digest(first.interaction.record))
        if seen.digest == _digest(pending.record):
            self.batch.rejected.append((pending.record, "", QuarantineKind.DUPLICATE))
        else:
            self.batch.rejected.append(
                (pending.record, _same_id_reason(seen), QuarantineKind.DUPLICATE)
            )
        self.batch.size += 1

    def end_input(self) -> None:
        """The input is read to its end: its conversations are complete."""
        self._release_conversations()

    def finish(self) -> None:
        """Write what is left."""
        self._release_conversations()
        self.flush()

    def _release_conversations(self) -> None:
        """Complete conversations join the batch, which is written whenever it is full."""
        pending, self.pending = self.pending, {}
        for conversation in pending.values():
            self.batch.conversations.append(conversation)
            self.batch.size += 1 + len(conversation.messages)
            if self.batch.size >= self.settings.batch_size:
                self.flush()

    # Writing ---------------------------------------------------------------------------

    def flush(self) -> None:
        """Write the batch, its quarantine rows and the counts in one transaction."""
        self.writing, self.batch = self.batch, Batch()
        if not self.writing.size:
            return
        counts_before = {name: counts.model_copy() for name, counts in self.counts.items()}
        try:
            self._write_customers()
            self._write_contacts()
            self._write_conversations()
            self._write_loose_messages()
            self._write_nps()
            self._write_usage()
            self._write_lifecycle()
            self._write_rejected()
            self.run.summary = {**self.run.summary, "entities": self.summary()}
            self.db_session.commit()
        except BaseException:
            self.db_session.rollback()
            self.counts = counts_before
            raise

    def summary(self) -> dict[str, dict[str, int]]:
        """Counts of every entity this import received."""
        return {name: count.model_dump() for name, count in self.counts.items() if count.received}

    def _count(self, entity: Entity, *, loaded: int = 0, duplicates: int = 0) -> None:
        counts = self.counts[entity.value]
        counts.received += loaded + duplicates
        counts.loaded += loaded
        counts.duplicates += duplicates

    def _reject(self, record: RawRecord, reason: str, kind: QuarantineKind) -> None:
        """Refuse a record while writing; an empty reason is a duplicate not worth keeping."""
        self.writing.rejected.append((record, reason, kind))

    def _write_rejected(self) -> None:
        rows = []
        for record, reason, kind in self.writing.rejected:
            counts = self.counts[record.entity.value]
            counts.received += 1
            if kind is QuarantineKind.INVALID:
                counts.quarantined += 1
            else:
                counts.duplicates += 1
            if not reason:
                continue
            raw = record.raw
            if len(raw) > QUARANTINE_RAW_CHARS:
                raw = raw[:QUARANTINE_RAW_CHARS] + f"\n[… {len(record.raw):,} characters in all]"
            rows.append(
                {
                    "run_id": self.run.id,
                    "entity": record.entity.value,
                    "kind": kind,
                    "source": self.reader_name,
                    "row_ref": record.location,
                    "raw": self.anonymizer.text(raw),
                    "reason": reason,
                }
            )
        self._insert_rows(QuarantinedRecord, rows)

    def _fresh(
        self, entity: Entity, items: list[Pending], key: Key, stored: set[Any]
    ) -> list[Pending]:
        """The records whose key neither this import nor the database holds yet."""
        fresh = []
        seen = self.seen[entity]
        for item in items:
            item_key = key(item)
            first = seen.get(item_key)
            if first is not None:
                same = first.digest == _digest(item.record)
                self._reject(
                    item.record, "" if same else _same_id_reason(first), QuarantineKind.DUPLICATE
                )
            elif item_key in stored:
                seen[item_key] = Seen(item.record.location, _digest(item.record))
                self._count(entity, duplicates=1)
            else:
                seen[item_key] = Seen(item.record.location, _digest(item.record))
                fresh.append(item)
        return fresh

    def _stored(self, column: Any, values: Iterable[Any], *where: Any) -> set[Any]:
        """Which of ``values`` the database holds in ``column``."""
        found: set[Any] = set()
        for chunk in _chunks(sorted(set(values))):
            found.update(self.db_session.scalars(select(column).where(column.in_(chunk), *where)))
        return found

    def _resolve_customers(self, external_ids: Iterable[str]) -> None:
        missing = sorted(set(external_ids) - self.customer_ids.keys())
        for chunk in _chunks(missing):
            query = select(Customer.external_id, Customer.id, Customer.company_name).where(
                Customer.external_id.in_(chunk)
            )
            for external_id, customer_id, company_name in self.db_session.execute(query):
                self.customer_ids[str(external_id)] = customer_id
                self.anonymizer.know_company(str(external_id), company_name)

    def _resolve_contacts(self, external_ids: Iterable[str | None]) -> None:
        missing = sorted({key for key in external_ids if key} - self.contact_ids.keys())
        for chunk in _chunks(missing):
            query = select(Contact.external_id, Contact.id).where(Contact.external_id.in_(chunk))
            self.contact_ids.update(
                (str(key), value) for key, value in self.db_session.execute(query)
            )

    def _with_customer(self, items: list[Pending]) -> list[Pending]:
        """The records whose customer is known; the others are quarantined, saying why."""
        self._resolve_customers(item.model.customer_external_id for item in items)
        known = []
        for item in items:
            if item.model.customer_external_id in self.customer_ids:
                known.append(item)
            else:
                reason = self._unknown_customer(item.model.customer_external_id)
                self._reject(item.record, reason, QuarantineKind.INVALID)
        return known

    @staticmethod
    def _unknown_customer(external_id: str) -> str:
        return (
            f"customer {external_id!r} is neither in the database nor in this import; import "
            "the customers first (a customers file, CRM companies or helpdesk organisations)"
        )

    def _insert(self, model: Any, rows: list[dict[str, Any]], *key: str) -> dict[Any, int]:
        """Insert rows; their new ids by the values of the ``key`` columns (unique in rows)."""
        if not rows:
            return {}
        table = model.__table__
        statement = insert(table).returning(table.c.id, *(table.c[name] for name in key))
        result = self.db_session.execute(statement, rows)
        return {tuple(found[1:]) if len(key) > 1 else found[1]: found[0] for found in result}

    def _insert_rows(self, model: Any, rows: list[dict[str, Any]]) -> None:
        """Insert rows through the table (no ORM bookkeeping: many rows, fast)."""
        if rows:
            self.db_session.execute(insert(model.__table__), rows)

    def _write_customers(self) -> None:
        items = self.writing.records[Entity.CUSTOMERS]
        stored = self._stored(Customer.external_id, (item.model.external_id for item in items))
        fresh = self._fresh(Entity.CUSTOMERS, items, lambda item: item.model.external_id, stored)
        rows = [item.model.model_dump() for item in fresh]
        for row in rows:
            self.anonymizer.know_company(row["external_id"], row["company_name"])
        self.customer_ids.update(self._insert(Customer, rows, "external_id"))
        self._count(Entity.CUSTOMERS, loaded=len(rows))

    def _write_contacts(self) -> None:
        items = self._with_customer(self.writing.records[Entity.CONTACTS])
        for item in items:
            self.anonymizer.know_contact(item.model.customer_external_id, item.model.name)
        stored = self._stored(Contact.external_id, (item.model.external_id for item in items))
        fresh = self._fresh(Entity.CONTACTS, items, lambda item: item.model.external_id, stored)
        rows = [
            {
                "customer_id": self.customer_ids[item.model.customer_external_id],
                "external_id": item.model.external_id,
                "role": item.model.role,
                **self.anonymizer.contact_fields(
                    item.model.name, item.model.email, item.model.phone
                ),
            }
            for item in fresh
        ]
        self.contact_ids.update(self._insert(Contact, rows, "external_id"))
        self._count(Entity.CONTACTS, loaded=len(rows))

    def _write_conversations(self) -> None:
        conversations = self.writing.conversations
        self._resolve_customers(c.interaction.model.customer_external_id for c in conversations)
        self._resolve_contacts(c.interaction.model.contact_external_id for c in conversations)
        self._resolve_interactions(conversations)
        candidates: list[Candidate] = []
        for conversation in conversations:
            interaction = conversation.interaction
            if interaction.model.customer_external_id not in self.customer_ids:
                reason = self._unknown_customer(interaction.model.customer_external_id)
                for pending in [interaction, *conversation.messages]:
                    self._reject(pending.record, reason, QuarantineKind.INVALID)
                continue
            first = self.seen[Entity.INTERACTIONS].get(conversation.key)
            if first is not None or conversation.key in self.interaction_ids:
                self._known_conversation(conversation, first)
                continue
            self.seen[Entity.INTERACTIONS][conversation.key] = Seen(
                interaction.record.location, _digest(interaction.record)
            )
            conversation.messages = self._fresh(
                Entity.MESSAGES,
                sorted(conversation.messages, key=lambda pending: pending.model.seq),
                _message_key(conversation.key),
                set(),
            )
            candidates.append(self._candidate(conversation))
        self._load_content_hashes(candidate.digest for candidate in candidates)
        new = []
        for candidate in candidates:
            repeated = self._repeats(candidate)
            if repeated is None:
                new.append(candidate)
                self._remember(candidate, f"the conversation at {candidate.location}")
                continue
            reason = (
                f"repeats {repeated} of the same customer, started within a day of it; raise "
                "CSPERSONA_INGEST_NEAR_DUPLICATE_THRESHOLD if they are different conversations"
            )
            conversation = candidate.conversation
            self._reject(conversation.interaction.record, reason, QuarantineKind.DUPLICATE)
            for pending in conversation.messages:
                self._reject(pending.record, f"its conversation {reason}", QuarantineKind.DUPLICATE)
        self._insert_conversations(new)

    def _candidate(self, conversation: Conversation) -> Candidate:
        model = conversation.interaction.model
        words = normalised_words(pending.model.text for pending in conversation.messages)
        digest = (
            content_hash(self.anonymizer.keyed_hash, [model.customer_external_id, *words])
            if words
            else None
        )
        return Candidate(
            conversation,
            self.customer_ids[model.customer_external_id],
            digest,
            self.minhasher.signature(words),
        )

    def _load_content_hashes(self, digests: Iterable[str | None]) -> None:
        """Stored conversations with these content hashes (the hash names the customer)."""
        missing = sorted({d for d in digests if d is not None} - self.content_hashes.keys())
        for digest in missing:
            self.content_hashes[digest] = []
        for chunk in _chunks(missing):
            query = select(Interaction.content_hash, Interaction.started_at, Interaction.id).where(
                Interaction.content_hash.in_(chunk)
            )
            for stored, started_at, interaction_id in self.db_session.execute(query):
                reference = f"interaction {interaction_id}"
                self.content_hashes[str(stored)].append((started_at, reference))

    def _repeats(self, candidate: Candidate) -> str | None:
        """What stored or earlier conversation of the customer this one repeats, if any."""
        if candidate.digest is None:
            return None
        started_at = candidate.conversation.interaction.model.started_at
        for other_start, reference in self.content_hashes[candidate.digest]:
            if within_window(other_start, started_at):
                return reference
        if candidate.signature is None:
            return None
        match = most_similar(
            candidate.signature,
            started_at,
            self._fingerprints_of(candidate.customer_id),
            self.settings.near_duplicate_threshold,
        )
        return match[0].reference if match else None

    def _remember(self, candidate: Candidate, reference: str) -> None:
        """Let later conversations of this import find this one as their original."""
        started_at = candidate.conversation.interaction.model.started_at
        if candidate.digest is not None:
            self.content_hashes[candidate.digest].append((started_at, reference))
        if candidate.signature is not None:
            self._fingerprints_of(candidate.customer_id).append(
                Fingerprint(reference, started_at, candidate.signature)
            )

    def _resolve_interactions(self, conversations: list[Conversation]) -> None:
        by_source: dict[str, set[str]] = {}
        for conversation in conversations:
            if conversation.key not in self.interaction_ids:
                by_source.setdefault(conversation.source, set()).add(conversation.key[1])
        for source, external_ids in by_source.items():
            for chunk in _chunks(sorted(external_ids)):
                query = select(Interaction.external_id, Interaction.id).where(
                    Interaction.source == source, Interaction.external_id.in_(chunk)
                )
                for external_id, interaction_id in self.db_session.execute(query):
                    self.interaction_ids[(source, str(external_id))] = interaction_id

    def _known_conversation(self, conversation: Conversation, first: Seen | None) -> None:
        """An interaction stored or read before: a duplicate, but new turns of it still load."""
        interaction = conversation.interaction
        same = first is None or first.digest == _digest(interaction.record)
        reason = "" if same else _same_id_reason(first)  # type: ignore[arg-type]
        self._reject(interaction.record, reason, QuarantineKind.DUPLICATE)
        interaction_id = self.interaction_ids.get(conversation.key)
        customer = interaction.model.customer_external_id
        if interaction_id is None:  # read earlier in this import but refused: so are these
            for pending in conversation.messages:
                self._reject(pending.record, "", QuarantineKind.DUPLICATE)
            return
        self._insert_messages(interaction_id, customer, conversation.key, conversation.messages)

    def _fingerprints_of(self, customer_id: int) -> list[Fingerprint]:
        if customer_id not in self.fingerprints:
            query = (
                select(Interaction.id, Interaction.started_at, InteractionFingerprint.signature)
                .join(
                    InteractionFingerprint, InteractionFingerprint.interaction_id == Interaction.id
                )
                .where(Interaction.customer_id == customer_id)
            )
            self.fingerprints[customer_id] = [
                Fingerprint(f"interaction {key}", started, from_bytes(signature))
                for key, started, signature in self.db_session.execute(query)
            ]
        return self.fingerprints[customer_id]

    def _insert_conversations(self, new: list[Candidate]) -> None:
        rows: list[dict[str, Any]] = []
        scopes: list[Scope] = []
        for candidate in new:
            model = candidate.conversation.interaction.model
            scopes.append(Scope.of(model.customer_external_id, model.participants))
            rows.append(
                {
                    "customer_id": candidate.customer_id,
                    "contact_id": self.contact_ids.get(model.contact_external_id or ""),
                    "type": model.type,
                    "channel": model.channel,
                    "subject": model.subject,
                    "status": model.status,
                    "priority": model.priority,
                    "started_at": model.started_at,
                    "closed_at": model.closed_at,
                    "source": candidate.conversation.source,
                    "external_id": model.external_id,
                    "content_hash": candidate.digest,
                    "ingestion_run_id": self.run.id,
                }
            )
        self._anonymize(rows, "subject", scopes)
        inserted = self._insert(Interaction, rows, "source", "external_id")
        self._count(Entity.INTERACTIONS, loaded=len(inserted))
        fingerprints: list[dict[str, Any]] = []
        messages: list[dict[str, Any]] = []
        message_scopes: list[Scope] = []
        for candidate, scope in zip(new, scopes, strict=True):
            conversation = candidate.conversation
            interaction_id = inserted[conversation.key]
            self.interaction_ids[conversation.key] = interaction_id
            if candidate.signature is not None:
                signature = to_bytes(candidate.signature)
                fingerprints.append({"interaction_id": interaction_id, "signature": signature})
            messages.extend(
                _message_row(interaction_id, pending) for pending in conversation.messages
            )
            message_scopes.extend([scope] * len(conversation.messages))
        self._insert_rows(InteractionFingerprint, fingerprints)
        self._insert_messages_rows(messages, message_scopes)

    def _insert_messages_rows(self, rows: list[dict[str, Any]], scopes: list[Scope]) -> None:
        """Anonymise and store message rows (``scopes``: whose each row is)."""
        self._anonymize(rows, "author_id", scopes)
        self._anonymize(rows, "text", scopes)
        self._anonymize(rows, "body", scopes)
        self._insert_rows(Message, rows)
        self._count(Entity.MESSAGES, loaded=len(rows))

    def _anonymize(self, rows: list[dict[str, Any]], column: str, scopes: list[Scope]) -> None:
        """Replace the PII in one text column of many rows at once (in parallel when many)."""
        values = self.anonymizer.texts(
            [(row[column], scope) for row, scope in zip(rows, scopes, strict=True)]
        )
        for row, value in zip(rows, values, strict=True):
            row[column] = value

    def _insert_messages(
        self, interaction_id: int, customer: str, key: tuple[str, str], messages: list[Pending]
    ) -> None:
        """Messages of a stored interaction; ``seq`` numbers it already has are duplicates."""
        stored_seqs = self._stored(
            Message.seq,
            (pending.model.seq for pending in messages),
            Message.interaction_id == interaction_id,
        )
        stored = {(*key, seq) for seq in stored_seqs}
        fresh = self._fresh(Entity.MESSAGES, messages, _message_key(key), stored)
        rows = [_message_row(interaction_id, pending) for pending in fresh]
        self._insert_messages_rows(rows, [Scope.of(customer)] * len(rows))

    def _write_loose_messages(self) -> None:
        """Messages whose conversation an earlier import (or another input) stored."""
        by_interaction: dict[str, list[Pending]] = {}
        for pending in self.writing.records[Entity.MESSAGES]:
            by_interaction.setdefault(pending.model.interaction_external_id, []).append(pending)
        found: dict[str, list[tuple[int, str, str]]] = {}
        for chunk in _chunks(sorted(by_interaction)):
            query = (
                select(
                    Interaction.external_id,
                    Interaction.id,
                    Interaction.source,
                    Customer.external_id,
                )
                .join(Customer, Customer.id == Interaction.customer_id)
                .where(Interaction.external_id.in_(chunk))
            )
            for external_id, interaction_id, source, customer in self.db_session.execute(query):
                found.setdefault(str(external_id), []).append(
                    (interaction_id, source, str(customer))
                )
        for external_id, messages in by_interaction.items():
            matches = found.get(external_id, [])
            matches = [match for match in matches if match[1] == self.source] or matches
            if len(matches) == 1:
                interaction_id, source, customer = matches[0]
                self._insert_messages(interaction_id, customer, (source, external_id), messages)
                continue
            reason = (
                f"interaction {external_id!r} is neither in the database nor in this import"
                if not matches
                else f"interaction {external_id!r} exists in several sources; import its "
                "messages together with the interactions"
            )
            for pending in messages:
                self._reject(pending.record, reason, QuarantineKind.INVALID)

    def _write_simple(
        self,
        entity: Entity,
        table: Any,
        key: Key,
        stored: Callable[[list[Pending]], set[Any]],
        row: Callable[[Any], dict[str, Any]],
    ) -> None:
        """Write records that reference a customer and nothing refers to."""
        items = self._with_customer(self.writing.records[entity])
        fresh = self._fresh(entity, items, key, stored(items) if items else set())
        rows = [row(item.model) for item in fresh]
        self._insert_rows(table, rows)
        self._count(entity, loaded=len(rows))

    def _customer_id(self, model: Any) -> int:
        return self.customer_ids[model.customer_external_id]

    def _write_nps(self) -> None:
        items = self.writing.records[Entity.NPS_RESPONSES]
        self._resolve_contacts(item.model.contact_external_id for item in items)
        self._write_simple(
            Entity.NPS_RESPONSES,
            NpsResponse,
            lambda item: item.model.external_id,
            lambda items: self._stored(
                NpsResponse.external_id, (i.model.external_id for i in items)
            ),
            lambda model: {
                "customer_id": self._customer_id(model),
                "contact_id": self.contact_ids.get(model.contact_external_id or ""),
                "external_id": model.external_id,
                "score": model.score,
                "comment": self.anonymizer.text(
                    model.comment, Scope.of(model.customer_external_id)
                ),
                "answered_at": model.answered_at,
            },
        )

    def _write_usage(self) -> None:
        def stored(items: list[Pending]) -> set[Any]:
            days = [item.model.day for item in items]
            customers = sorted({self._customer_id(item.model) for item in items})
            found: set[Any] = set()
            for chunk in _chunks(customers):
                query = select(UsageDaily.customer_id, UsageDaily.day).where(
                    UsageDaily.customer_id.in_(chunk), UsageDaily.day.between(min(days), max(days))
                )
                found.update(tuple(row) for row in self.db_session.execute(query))
            return found

        self._write_simple(
            Entity.USAGE_DAILY,
            UsageDaily,
            lambda item: (self._customer_id(item.model), item.model.day),
            stored,
            lambda model: {
                "customer_id": self._customer_id(model),
                "day": model.day,
                "active_users": model.active_users or 0,
                "logins": model.logins or 0,
                "events": model.events or 0,
                "feature_adoption": model.feature_adoption,
            },
        )

    def _write_lifecycle(self) -> None:
        def stored(items: list[Pending]) -> set[Any]:
            customers = sorted({self._customer_id(item.model) for item in items})
            found: set[Any] = set()
            for chunk in _chunks(customers):
                query = select(
                    LifecycleEvent.customer_id, LifecycleEvent.kind, LifecycleEvent.at
                ).where(LifecycleEvent.customer_id.in_(chunk))
                found.update(tuple(row) for row in self.db_session.execute(query))
            return found

        self._write_simple(
            Entity.LIFECYCLE_EVENTS,
            LifecycleEvent,
            lambda item: (self._customer_id(item.model), item.model.kind, item.model.at),
            stored,
            lambda model: {
                "customer_id": self._customer_id(model),
                "kind": model.kind,
                "at": model.at,
                "amount": model.amount,
                "note": self.anonymizer.text(model.note, Scope.of(model.customer_external_id)),
            },
        )
