"""API latency and throughput: the server on SQLite in one process, concurrent clients in another.

Seeds a database (customers with contacts and conversations, and an admin key), starts
``cspersona serve`` on it in a subprocess, then drives each route in ``ROUTES`` from a second
process with ``--clients`` concurrent httpx clients over loopback, bounded by ``--requests`` per
route and ``--seconds`` per route. Prints one JSON line per route:
p50/p95/p99 latency in ms, requests/s, errors, and whether p95 meets the product's 200 ms target.

Run: .venv/bin/python benchmarks/bench_api.py [--customers 250] [--clients 20] [--requests 400]

Later routes are benchmarked by adding them to ``ROUTES``.
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx2

from cspersona.auth import service as auth_service
from cspersona.auth.models import Role
from cspersona.auth.schemas import StaffCreate
from cspersona.config import load_settings
from cspersona.conversations.models import AuthorRole, Interaction, InteractionType, Message
from cspersona.customers.models import Contact, Customer
from cspersona.db import migrate
from cspersona.db.engine import make_engine, make_session_factory, session_scope

TARGET_P95_MS = 200.0
PLANS = ["Starter", "Growth", "Enterprise"]
INDUSTRIES = ["FinTech", "Healthcare", "Retail", "Logistics", "Education", "Media"]
OWNERS = ["Dana Scully", "Fox Mulder", "Walter Skinner", "Monica Reyes"]


@dataclass(frozen=True)
class Route:
    """A route to measure: a name for the report and a path, ``{customer_id}`` filled at random."""

    name: str
    path: str


ROUTES = [
    Route("GET /health", "/health"),
    Route("GET /api/me", "/api/me"),
    Route("GET /api/customers", "/api/customers?limit=50"),
    Route(
        "GET /api/customers?plan&sort",
        "/api/customers?plan=Enterprise&sort=arr&order=desc&limit=50",
    ),
    Route("GET /api/customers/{customer_id}", "/api/customers/{customer_id}"),
    Route(
        "GET /api/customers/{customer_id}/interactions",
        "/api/customers/{customer_id}/interactions?limit=20",
    ),
    Route("GET /api/jobs", "/api/jobs"),
]


def seed(
    database_url: str, secret_key: str, *, customers: int, seed_value: int = 7
) -> tuple[str, list[int]]:
    """Fill a migrated database; return an admin API key and the customer ids."""
    settings = load_settings(database_url=database_url, secret_key=secret_key, _env_file=None)
    engine = make_engine(settings.sqlalchemy_url)
    migrate.upgrade(engine)
    chooser = random.Random(seed_value)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with session_scope(make_session_factory(engine)) as db_session:
        rows = [
            Customer(
                external_id=f"C{index:05d}",
                company_name=f"Company {index:05d}",
                industry=chooser.choice(INDUSTRIES),
                plan=chooser.choice(PLANS),
                arr=float(chooser.randrange(5_000, 400_000)),
                csm_owner=chooser.choice(OWNERS),
                renewal_date=date(2026, 1, 1) + timedelta(days=chooser.randrange(365)),
            )
            for index in range(customers)
        ]
        db_session.add_all(rows)
        db_session.flush()
        for customer in rows:
            db_session.add_all(
                Contact(customer_id=customer.id, name=f"Contact {n}") for n in range(3)
            )
            for number in range(20):
                started = start + timedelta(hours=chooser.randrange(24 * 365))
                interaction = Interaction(
                    customer_id=customer.id,
                    type=chooser.choice(list(InteractionType)),
                    subject=f"Conversation {number}",
                    started_at=started,
                )
                interaction.messages = [
                    Message(
                        seq=seq,
                        author_role=AuthorRole.CUSTOMER if seq % 2 == 0 else AuthorRole.AGENT,
                        sent_at=started + timedelta(minutes=5 * seq),
                        text=f"message {seq}",
                    )
                    for seq in range(4)
                ]
                db_session.add(interaction)
        admin = auth_service.create_user(
            db_session=db_session, user_in=StaffCreate(name="bench", role=Role.ADMIN)
        )
        _api_key, key = auth_service.create_key(
            db_session=db_session, user=admin, secret_key=settings.secret_key
        )
        customer_ids = [customer.id for customer in rows]
    engine.dispose()
    return key, customer_ids


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """``cspersona serve`` in a subprocess, returned once ``/health`` answers."""
    server = subprocess.Popen(
        [sys.executable, "-m", "cspersona", "serve", "--port", str(port)],
        env={**env, "CSPERSONA_LOG_LEVEL": "WARNING"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx2.get(f"http://127.0.0.1:{port}/health", timeout=1)
            return server
        except httpx2.TransportError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise SystemExit("the server did not start") from None
            time.sleep(0.2)


async def _drive_route(
    base_url: str,
    key: str,
    route: Route,
    customer_ids: list[int],
    clients: int,
    requests: int,
    seconds: float,
) -> dict[str, object]:
    chooser = random.Random(route.name)
    latencies: list[float] = []
    errors = 0
    issued = 0
    limits = httpx2.Limits(max_connections=clients, max_keepalive_connections=clients)
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx2.AsyncClient(
        base_url=base_url, headers=headers, limits=limits, timeout=30
    ) as client:
        for _warm_up in range(min(clients, 10)):
            await client.get(route.path.format(customer_id=customer_ids[0]))
        started = time.perf_counter()
        deadline = started + seconds

        async def worker() -> None:
            nonlocal issued, errors
            while issued < requests and time.perf_counter() < deadline:
                issued += 1
                path = route.path.format(customer_id=chooser.choice(customer_ids))
                sent = time.perf_counter()
                response = await client.get(path)
                latencies.append((time.perf_counter() - sent) * 1000)
                errors += response.status_code != 200

        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    p95 = round(cuts[94], 1)
    return {
        "bench": "api",
        "route": route.name,
        "clients": clients,
        "requests": len(latencies),
        "errors": errors,
        "p50_ms": round(cuts[49], 1),
        "p95_ms": p95,
        "p99_ms": round(cuts[98], 1),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "target_p95_ms": TARGET_P95_MS,
        "meets_target": p95 < TARGET_P95_MS,
    }


def drive(
    base_url: str,
    key: str,
    customer_ids: list[int],
    clients: int,
    requests: int,
    seconds: float,
) -> None:
    """The client process: measure each route in turn and print its JSON line."""
    for route in ROUTES:
        figures = asyncio.run(
            _drive_route(base_url, key, route, customer_ids, clients, requests, seconds)
        )
        print(json.dumps(figures), flush=True)


def main() -> None:
    """Seed, serve, drive, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=250, help="customers to seed")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients")
    parser.add_argument("--requests", type=int, default=400, help="requests per route at most")
    parser.add_argument("--seconds", type=float, default=30.0, help="seconds per route at most")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-api-") as folder:
        env = {
            **{
                name: value
                for name, value in os.environ.items()
                if not name.startswith("CSPERSONA_")
            },
            "CSPERSONA_DATA_DIR": folder,
            "CSPERSONA_SECRET_KEY": secrets.token_urlsafe(32),
        }
        database_url = f"sqlite:///{Path(folder) / 'cspersona.db'}"
        seeding_started = time.perf_counter()
        key, customer_ids = seed(
            database_url, env["CSPERSONA_SECRET_KEY"], customers=options.customers
        )
        print(
            json.dumps(
                {
                    "bench": "api-seed",
                    "customers": options.customers,
                    "interactions": options.customers * 20,
                    "seconds": round(time.perf_counter() - seeding_started, 1),
                }
            ),
            flush=True,
        )
        port = free_port()
        server = start_server(env, port)
        try:
            client_process = multiprocessing.get_context("spawn").Process(
                target=drive,
                args=(
                    f"http://127.0.0.1:{port}",
                    key,
                    customer_ids,
                    options.clients,
                    options.requests,
                    options.seconds,
                ),
            )
            client_process.start()
            client_process.join()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
