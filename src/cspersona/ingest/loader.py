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

from cspersona.conversations.models import Interaction, Message
from cspersona.customers.models import Contact, Customer, LifecycleEvent, NpsResponse, UsageDaily
from cspersona.ingest.anonymize import RecordAnonymizer
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


def _digest(model: Any) -> bytes:
    return hashlib.blake2b(model.model_dump_json().encode("utf-8"), digest_size=12).digest()


def _message_key(conversation: tuple[str, str]) -> Key:
    """Messages are unique per conversation and ``seq``."""

    def key(item: Pending) -> Hashable:
        return (*conversation, item.model.seq)

    return key


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
        on_batch: Callable[[dict[str, EntityCounts]], None] | None = None,
    ) -> None:
        """Load into ``run``; ``on_batch`` hears the counts after each committed batch."""
        self.db_session = db_session
        self.run = run
        self.anonymizer = anonymizer
        self.settings = settings
        self.on_batch = on_batch
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
        self.content_hashes: dict[str, list[tuple[datetime, int]]] = {}
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
        seen = Seen(first.interaction.record.location, _digest(first.interaction.model))
        if seen.digest == _digest(pending.model):
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
        for conversation in self.pending.values():
            self.batch.conversations.append(conversation)
            self.batch.size += 1 + len(conversation.messages)
        self.pending.clear()

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
        if self.on_batch is not None:
            self.on_batch(self.counts)

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
        if rows:
            self.db_session.execute(insert(QuarantinedRecord), rows)

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
                same = first.digest == _digest(item.model)
                self._reject(
                    item.record, "" if same else _same_id_reason(first), QuarantineKind.DUPLICATE
                )
            elif item_key in stored:
                seen[item_key] = Seen(item.record.location, _digest(item.model))
                self._count(entity, duplicates=1)
            else:
                seen[item_key] = Seen(item.record.location, _digest(item.model))
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

    def _insert(self, model: Any, rows: list[dict[str, Any]]) -> list[int]:
        """Insert rows and return their new ids, in order."""
        if not rows:
            return []
        statement = insert(model).returning(model.id, sort_by_parameter_order=True)
        return list(self.db_session.scalars(statement, rows).all())

    def _write_customers(self) -> None:
        items = self.writing.records[Entity.CUSTOMERS]
        stored = self._stored(Customer.external_id, (item.model.external_id for item in items))
        fresh = self._fresh(Entity.CUSTOMERS, items, lambda item: item.model.external_id, stored)
        rows = [item.model.model_dump() for item in fresh]
        for row in rows:
            self.anonymizer.know_company(row["external_id"], row["company_name"])
        ids = self._insert(Customer, rows)
        self.customer_ids.update(zip((row["external_id"] for row in rows), ids, strict=True))
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
        ids = self._insert(Contact, rows)
        self.contact_ids.update(zip((row["external_id"] for row in rows), ids, strict=True))
        self._count(Entity.CONTACTS, loaded=len(rows))

    def _write_conversations(self) -> None:
        conversations = self.writing.conversations
        self._resolve_customers(c.interaction.model.customer_external_id for c in conversations)
        self._resolve_contacts(c.interaction.model.contact_external_id for c in conversations)
        self._resolve_interactions(conversations)
        new: list[tuple[Conversation, list[str], Signature | None]] = []
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
                interaction.record.location, _digest(interaction.model)
            )
            messages = self._fresh(
                Entity.MESSAGES,
                sorted(conversation.messages, key=lambda pending: pending.model.seq),
                _message_key(conversation.key),
                set(),
            )
            conversation.messages = messages
            words = normalised_words(pending.model.text for pending in messages)
            signature = self.minhasher.signature(words)
            repeated = self._repeats(conversation, words, signature)
            if repeated is None:
                new.append((conversation, words, signature))
            else:
                reason = (
                    f"repeats interaction {repeated} of the same customer, started within a "
                    "day of it; lower CSPERSONA_INGEST_NEAR_DUPLICATE_THRESHOLD's strictness "
                    "(raise it) if they are different conversations"
                )
                self._reject(interaction.record, reason, QuarantineKind.DUPLICATE)
                for pending in messages:
                    self._reject(
                        pending.record, f"its conversation {reason}", QuarantineKind.DUPLICATE
                    )
        self._insert_conversations(new)

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
        same = first is None or first.digest == _digest(interaction.model)
        reason = "" if same else _same_id_reason(first)  # type: ignore[arg-type]
        self._reject(interaction.record, reason, QuarantineKind.DUPLICATE)
        interaction_id = self.interaction_ids.get(conversation.key)
        customer = interaction.model.customer_external_id
        if interaction_id is None:  # read earlier in this import but refused: so are these
            for pending in conversation.messages:
                self._reject(pending.record, "", QuarantineKind.DUPLICATE)
            return
        self._insert_messages(interaction_id, customer, conversation.key, conversation.messages)

    def _repeats(
        self, conversation: Conversation, words: list[str], signature: Signature | None
    ) -> int | None:
        """The id of a stored conversation of the same customer this one repeats, if any."""
        if not words:
            return None
        model = conversation.interaction.model
        customer_id = self.customer_ids[model.customer_external_id]
        digest = content_hash(self.anonymizer.keyed_hash, [model.customer_external_id, *words])
        for started_at, interaction_id in self._same_content(digest, customer_id):
            if within_window(started_at, model.started_at):
                return interaction_id
        if signature is None:
            return None
        match = most_similar(
            signature,
            model.started_at,
            self._fingerprints_of(customer_id),
            self.settings.near_duplicate_threshold,
        )
        return match[0].interaction_id if match else None

    def _same_content(self, digest: str, customer_id: int) -> list[tuple[datetime, int]]:
        if digest not in self.content_hashes:
            query = select(Interaction.started_at, Interaction.id).where(
                Interaction.content_hash == digest, Interaction.customer_id == customer_id
            )
            self.content_hashes[digest] = list(self.db_session.execute(query).tuples())
        return self.content_hashes[digest]

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
                Fingerprint(key, started, from_bytes(signature))
                for key, started, signature in self.db_session.execute(query)
            ]
        return self.fingerprints[customer_id]

    def _insert_conversations(
        self, new: list[tuple[Conversation, list[str], Signature | None]]
    ) -> None:
        rows = []
        for conversation, words, _signature in new:
            model = conversation.interaction.model
            customer = model.customer_external_id
            rows.append(
                {
                    "customer_id": self.customer_ids[customer],
                    "contact_id": self.contact_ids.get(model.contact_external_id or ""),
                    "type": model.type,
                    "channel": model.channel,
                    "subject": self.anonymizer.text(model.subject, customer),
                    "status": model.status,
                    "priority": model.priority,
                    "started_at": model.started_at,
                    "closed_at": model.closed_at,
                    "source": conversation.source,
                    "external_id": model.external_id,
                    "content_hash": (
                        content_hash(self.anonymizer.keyed_hash, [customer, *words])
                        if words
                        else None
                    ),
                    "ingestion_run_id": self.run.id,
                }
            )
        ids = self._insert(Interaction, rows)
        self._count(Entity.INTERACTIONS, loaded=len(ids))
        fingerprints = []
        for (conversation, _words, signature), row, interaction_id in zip(
            new, rows, ids, strict=True
        ):
            self.interaction_ids[conversation.key] = interaction_id
            if row["content_hash"] is not None:
                self.content_hashes.setdefault(row["content_hash"], []).append(
                    (row["started_at"], interaction_id)
                )
            if signature is not None:
                fingerprints.append(
                    {"interaction_id": interaction_id, "signature": to_bytes(signature)}
                )
                self._fingerprints_of(row["customer_id"]).append(
                    Fingerprint(interaction_id, row["started_at"], signature)
                )
        if fingerprints:
            self.db_session.execute(insert(InteractionFingerprint), fingerprints)
        message_rows = [
            self._message_row(
                interaction_id, conversation.interaction.model.customer_external_id, pending
            )
            for (conversation, _words, _signature), interaction_id in zip(new, ids, strict=True)
            for pending in conversation.messages
        ]
        if message_rows:
            self.db_session.execute(insert(Message), message_rows)
        self._count(Entity.MESSAGES, loaded=len(message_rows))

    def _message_row(self, interaction_id: int, customer: str, pending: Pending) -> dict[str, Any]:
        model = pending.model
        return {
            "interaction_id": interaction_id,
            "seq": model.seq,
            "author_role": model.author_role,
            "author_id": self.anonymizer.author(model.author_id),
            "sent_at": model.sent_at,
            "text": self.anonymizer.text(model.text, customer),
            "external_id": model.external_id,
        }

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
        rows = [self._message_row(interaction_id, customer, pending) for pending in fresh]
        if rows:
            self.db_session.execute(insert(Message), rows)
        self._count(Entity.MESSAGES, loaded=len(rows))

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
        if rows:
            self.db_session.execute(insert(table), rows)
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
                "comment": self.anonymizer.text(model.comment, model.customer_external_id),
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
                found.update(self.db_session.execute(query).tuples())
            return found

        self._write_simple(
            Entity.USAGE_DAILY,
            UsageDaily,
            lambda item: (self._customer_id(item.model), item.model.day),
            stored,
            lambda model: {
                "customer_id": self._customer_id(model),
                **model.model_dump(exclude={"customer_external_id"}),
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
                found.update(self.db_session.execute(query).tuples())
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
                "note": self.anonymizer.text(model.note, model.customer_external_id),
            },
        )
