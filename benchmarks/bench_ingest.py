"""Ingestion speed: a 100,000-message CSV dataset into SQLite and PostgreSQL, PII on.

Writes a dataset folder in the cspersona format (customers, contacts, interactions, messages as
CSV) whose messages read like support conversations and carry PII (names, e-mail addresses,
phone numbers, card numbers), then imports it end to end (read, validate, deduplicate,
anonymise, store) into a fresh database of each backend and prints one JSON line per backend:
messages per second and rows per second (wall clock; CPU seconds of the process and its
anonymising workers, and the load average, tell how busy the machine was). PostgreSQL gets a
uniquely named database on the server in ``CSPERSONA_BENCH_POSTGRES_URL`` (default: the local
server), dropped afterwards.

    .venv/bin/python benchmarks/bench_ingest.py [--messages 100000] [--backend sqlite]
"""

import argparse
import csv
import json
import os
import random
import resource
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from cspersona.config import load_settings
from cspersona.db import migrate
from cspersona.db.engine import make_engine, make_session_factory
from cspersona.ingest.anonymize import worker_count
from cspersona.ingest.service import run_import
from cspersona.pii.gazetteer import load_gazetteer

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
MESSAGES_PER_CONVERSATION = 5
CUSTOMERS = 200
OPENINGS = [
    "Hi team, {feature} has been failing since this morning for everyone on our side.",
    "Hello, could you help us set up {feature} for the {department} team?",
    "Hi {agent}, we were charged twice this month on card {card}. Can you refund one?",
    "Dear support, our renewal is coming up and the price increase is hard to justify.",
    "Hey, {feature} is very slow today; exports take minutes instead of seconds.",
    "Hi, please add {colleague} ({colleague_email}) as an admin on our workspace.",
]
REPLIES = [
    "Hi {customer}, thanks for reaching out. I have escalated this to our engineers.",
    "Hello {customer}, the fix is live now; could you try again and let me know?",
    "Thanks {customer}. I refunded the duplicate charge; it shows within 5 days.",
    "Hi {customer}, I can call you at {phone} tomorrow to walk through the settings.",
    "Of course. {colleague} now has admin rights. Anything else I can help with?",
]
FOLLOW_UPS = [
    "Thanks {agent}, that works now. Much appreciated!",
    "It still fails for {colleague}. Could you check again? My number is {phone}.",
    "Great, thank you. Best regards, {customer}",
    "We are evaluating alternatives, to be honest. Please escalate this.",
]
FEATURES = ["the dashboard export", "SSO", "the API", "workflow automation", "scheduled reports"]
DEPARTMENTS = ["finance", "operations", "support", "sales"]
CARDS = ["4111 1111 1111 1111", "5500 0000 0000 0004", "3782 822463 10005"]


def write_dataset(folder: Path, messages: int, seed: int = 7) -> int:
    """A CSV dataset with ``messages`` messages; returns the number of rows written."""
    rng = random.Random(seed)
    gazetteer = load_gazetteer()
    first, last = gazetteer.pseudonym_first_names, gazetteer.pseudonym_last_names
    start = datetime(2025, 1, 1, tzinfo=UTC)
    conversations = messages // MESSAGES_PER_CONVERSATION
    with (folder / "manifest.json").open("w", encoding="utf-8") as handle:
        json.dump({"format": "cspersona-dataset", "version": 1, "files": {
            entity: {"path": f"{entity}.csv"}
            for entity in ("customers", "contacts", "interactions", "messages")
        }}, handle)  # fmt: skip
    people = {}
    with (
        _writer(folder / "customers.csv") as customers,
        _writer(folder / "contacts.csv") as contacts,
    ):
        customers.writerow(["external_id", "company_name", "plan", "arr"])
        contacts.writerow(["external_id", "customer_external_id", "name", "email", "phone"])
        for number in range(CUSTOMERS):
            customer = f"cus-{number:04d}"
            customers.writerow([customer, f"Company {number}", "Growth", 12000 + number])
            people[customer] = []
            for index in range(3):
                name = f"{rng.choice(first)} {rng.choice(last)}"
                email = name.lower().replace(" ", ".") + f"@company{number}.example"
                phone = f"+44 20 7946 {rng.randrange(10000):04d}"
                contacts.writerow([f"con-{number:04d}-{index}", customer, name, email, phone])
                people[customer].append((name, email, phone))
    with (
        _writer(folder / "interactions.csv") as interactions,
        _writer(folder / "messages.csv") as rows,
    ):
        interactions.writerow(["external_id", "customer_external_id", "type", "started_at"])
        rows.writerow(
            ["external_id", "interaction_external_id", "seq", "author_role", "sent_at", "text"]
        )
        for number in range(conversations):
            customer = f"cus-{rng.randrange(CUSTOMERS):04d}"
            conversation = f"tkt-{number:06d}"
            begun = start + timedelta(minutes=37 * number)
            interactions.writerow([conversation, customer, "ticket", begun.isoformat()])
            (name, _email, phone), (colleague, colleague_email, _phone) = rng.sample(
                people[customer], 2
            )
            values = {
                "customer": name.split()[0], "colleague": colleague, "phone": phone,
                "colleague_email": colleague_email, "agent": rng.choice(first),
                "card": rng.choice(CARDS), "feature": rng.choice(FEATURES),
                "department": rng.choice(DEPARTMENTS),
            }  # fmt: skip
            for seq in range(MESSAGES_PER_CONVERSATION):
                templates = OPENINGS if seq == 0 else REPLIES if seq % 2 else FOLLOW_UPS
                role = "agent" if seq % 2 else "customer"
                sent = (begun + timedelta(hours=seq)).isoformat()
                body = rng.choice(templates).format(**values) + f" (ref {number}-{seq})"
                rows.writerow([f"{conversation}-{seq}", conversation, seq, role, sent, body])
    return CUSTOMERS * 4 + conversations * (1 + MESSAGES_PER_CONVERSATION)


@contextmanager
def _writer(path: Path) -> Iterator["csv._writer"]:
    with path.open("w", encoding="utf-8", newline="") as handle:
        yield csv.writer(handle)


@contextmanager
def database(backend: str, folder: Path) -> Iterator[str | None]:
    """A fresh database URL (None when the backend cannot be reached), dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'bench.db'}"
        return
    server = load_settings(
        database_url=os.environ.get("CSPERSONA_BENCH_POSTGRES_URL", DEFAULT_POSTGRES)
    ).sqlalchemy_url
    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    name = f"cspersona_bench_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        print(f"skipped postgresql: {str(error.orig).splitlines()[0]}", file=sys.stderr)
        admin.dispose()
        yield None
        return
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def measure(
    backend: str, dataset: Path, rows: int, messages: int, folder: Path
) -> dict[str, object] | None:
    """Import the dataset into a fresh database of ``backend``; the figures, or None."""
    with database(backend, folder) as url:
        if url is None:
            return None
        settings = load_settings(database_url=url, data_dir=folder)
        engine = make_engine(settings.sqlalchemy_url)
        migrate.upgrade(engine)
        with make_session_factory(engine)() as session:
            started, cpu_started = time.perf_counter(), _cpu_seconds()
            run = run_import(db_session=session, settings=settings, paths=[dataset])
            seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu_started
            loaded = run.summary["entities"]["messages"]["loaded"]
        engine.dispose()
    return {
        "benchmark": "ingest",
        "backend": backend,
        "pii": settings.pii_enabled,
        "messages": messages,
        "messages_loaded": loaded,
        "rows": rows,
        "workers": worker_count(settings),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "messages_per_s": round(messages / seconds),
        "rows_per_s": round(rows / seconds),
        "messages_per_cpu_s": round(messages / cpu),
        "target_messages_per_s": 5000,
        "load_average": round(os.getloadavg()[0], 1),
    }


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the anonymising workers)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> int:
    """Write the dataset once, then import it into each backend."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], action="append")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cspersona-bench-") as temporary:
        folder = Path(temporary)
        dataset = folder / "dataset"
        dataset.mkdir()
        rows = write_dataset(dataset, arguments.messages)
        for backend in arguments.backend or ["sqlite", "postgresql"]:
            figures = measure(backend, dataset, rows, arguments.messages, folder)
            if figures is not None:
                print(json.dumps(figures), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
