"""API and page latency and throughput: the server on SQLite in one process, clients in another.

Generates the default synthetic world (seed 7, ``--scale 1``) into a fresh SQLite database, runs
the whole pipeline on it (NLP, topics, analytics, personas, churn; a few minutes) so that every
page and route serves what a user would see, starts ``cspersona serve`` on it in a subprocess,
then drives each route in ``ROUTES`` from a second process with ``--clients`` concurrent httpx
clients over loopback, bounded by ``--requests`` and ``--seconds`` per route.
Prints one JSON line per route: p50/p95/p99 latency in ms, requests/s, errors, and whether p95
meets the product's 200 ms target. A route the server does not have yet (404 or 405 on its first
call) is reported as skipped. ``POST /api/personas/generate`` is timed until it returns its job id
(target 2 s).

Run: .venv/bin/python benchmarks/bench_api.py [--scale 1] [--clients 20] [--requests 400]
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
from pathlib import Path

import httpx2
from sqlalchemy import select

from cspersona.auth import service as auth_service
from cspersona.auth.models import Role
from cspersona.auth.schemas import StaffCreate
from cspersona.catalogue.models import load_catalogue
from cspersona.config import load_settings
from cspersona.customers.models import Customer
from cspersona.db import migrate
from cspersona.db.engine import make_engine, make_session_factory, session_scope
from cspersona.personas.models import Persona
from cspersona.pipeline.stages import run_pipeline
from cspersona.synth.loader import DatabaseSink
from cspersona.synth.service import generate
from cspersona.synth.world import World

TARGET_P95_MS = 200.0
TARGET_JOB_START_S = 2.0


@dataclass(frozen=True)
class Route:
    """A route to measure: a name, a path (``{customer_id}``, ``{persona_id}`` filled at random).

    ``page`` routes are dashboard pages, reached with the session cookie instead of the key.
    """

    name: str
    path: str
    page: bool = False


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
    Route("GET /api/customers/{customer_id}/persona", "/api/customers/{customer_id}/persona"),
    Route("GET /api/personas", "/api/personas"),
    Route("GET /api/personas/{persona_id}", "/api/personas/{persona_id}"),
    Route("GET /api/insights/churn-risk", "/api/insights/churn-risk?horizon=90"),
    Route("GET /api/insights/expansion", "/api/insights/expansion"),
    Route("GET /api/jobs", "/api/jobs"),
    Route("page /overview", "/overview", page=True),
    Route("page /personas", "/personas", page=True),
    Route("page /personas/{persona_id}", "/personas/{persona_id}", page=True),
    Route("page /risk", "/risk?horizon=90", page=True),
    Route("page /customers/{customer_id}", "/customers/{customer_id}", page=True),
]


@dataclass(frozen=True)
class Seeded:
    """What the clients need: a key, a session cookie, and ids to fill paths with."""

    key: str
    customer_ids: list[int]
    persona_ids: list[int]


def seed(database_url: str, secret_key: str, *, scale: float) -> Seeded:
    """Generate the world into a migrated database, run the whole pipeline, make an admin key."""
    settings = load_settings(database_url=database_url, secret_key=secret_key, _env_file=None)
    engine = make_engine(settings.sqlalchemy_url)
    migrate.upgrade(engine)
    world = World(seed=7, scale=scale, catalogue=load_catalogue(settings.catalogue_path))
    with DatabaseSink(engine) as sink:
        generate(world=world, sinks=[sink])
    with session_scope(make_session_factory(engine)) as db_session:
        run_pipeline(db_session=db_session, settings=settings)
        persona_ids = list(db_session.scalars(select(Persona.id).where(Persona.active)))
        admin = auth_service.create_user(
            db_session=db_session, user_in=StaffCreate(name="bench", role=Role.ADMIN)
        )
        _api_key, key = auth_service.create_key(
            db_session=db_session, user=admin, secret_key=settings.secret_key
        )
        customer_ids = list(db_session.scalars(select(Customer.id)))
    engine.dispose()
    return Seeded(key=key, customer_ids=customer_ids, persona_ids=persona_ids)


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


def log_in(base_url: str, key: str) -> dict[str, str]:
    """The dashboard's session cookie for ``key``, as a header (it is Secure; this is http)."""
    response = httpx2.post(f"{base_url}/login", data={"api_key": key}, follow_redirects=False)
    cookie = response.headers["set-cookie"].split(";", 1)[0]
    return {"Cookie": cookie}


def _fill(route: Route, seeded: Seeded, chooser: random.Random) -> str:
    return route.path.format(
        customer_id=chooser.choice(seeded.customer_ids),
        persona_id=chooser.choice(seeded.persona_ids),
    )


async def _drive_route(
    base_url: str,
    headers: dict[str, str],
    route: Route,
    seeded: Seeded,
    clients: int,
    requests: int,
    seconds: float,
) -> dict[str, object]:
    chooser = random.Random(route.name)
    latencies: list[float] = []
    errors = 0
    issued = 0
    limits = httpx2.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx2.AsyncClient(
        base_url=base_url, headers=headers, limits=limits, timeout=30
    ) as client:
        probe = await client.get(route.path.format(customer_id=1, persona_id=1))
        if probe.status_code == 405 or (probe.status_code == 404 and "Not Found" in probe.text):
            return {"bench": "api", "route": route.name, "skipped": "the server has no such route"}
        for _warm_up in range(min(clients, 10)):
            await client.get(_fill(route, seeded, chooser))
        started = time.perf_counter()
        deadline = started + seconds

        async def worker() -> None:
            nonlocal issued, errors
            while issued < requests and time.perf_counter() < deadline:
                issued += 1
                path = _fill(route, seeded, chooser)
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


def time_job_start(base_url: str, key: str) -> dict[str, object]:
    """How long ``POST /api/personas/generate`` takes to answer with its job id."""
    sent = time.perf_counter()
    response = httpx2.post(
        f"{base_url}/api/personas/generate",
        headers={"Authorization": f"Bearer {key}"},
        json={},
        timeout=30,
    )
    seconds = round(time.perf_counter() - sent, 3)
    route = "POST /api/personas/generate"
    if response.status_code == 405 or (
        response.status_code == 404 and "Not Found" in response.text
    ):
        return {"bench": "api-job", "route": route, "skipped": "the server has no such route"}
    return {
        "bench": "api-job",
        "route": route,
        "status": response.status_code,
        "job_id": response.json().get("id") if response.status_code < 300 else None,
        "seconds": seconds,
        "target_seconds": TARGET_JOB_START_S,
        "meets_target": response.status_code < 300 and seconds < TARGET_JOB_START_S,
    }


def drive(base_url: str, seeded: Seeded, clients: int, requests: int, seconds: float) -> None:
    """The client process: measure each route in turn and print its JSON line."""
    api = {"Authorization": f"Bearer {seeded.key}"}
    pages = log_in(base_url, seeded.key)
    for route in ROUTES:
        figures = asyncio.run(
            _drive_route(
                base_url, pages if route.page else api, route, seeded, clients, requests, seconds
            )
        )
        print(json.dumps(figures), flush=True)
    print(json.dumps(time_job_start(base_url, seeded.key)), flush=True)


def main() -> None:
    """Seed, serve, drive, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="volume of the synthetic world")
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
        seeded = seed(database_url, env["CSPERSONA_SECRET_KEY"], scale=options.scale)
        print(
            json.dumps(
                {
                    "bench": "api-seed",
                    "scale": options.scale,
                    "customers": len(seeded.customer_ids),
                    "seconds": round(time.perf_counter() - seeding_started, 1),
                    "load_average": os.getloadavg(),
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
                    seeded,
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
        print(json.dumps({"bench": "api-load", "load_average": os.getloadavg()}), flush=True)


if __name__ == "__main__":
    main()
