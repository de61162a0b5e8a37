"""Speed of the playbook dry run: one JSON line per world, seconds to replay 180 days.

Each scale generates a synthetic world and imports it into a temporary SQLite database (no
pipeline stages: the replay reads NPS answers, renewal dates, persona switches and expansion
scores, and the last two need the slow scoring stages, so they are empty here; ``--database``
times an existing, fully analysed database as well). Four active playbooks are created, one per
trigger the data can fire (NPS drop, renewal within 90 days, persona switch, expansion now), and
the 180 days up to the data's end are replayed: after one warm-up run, the median of ``--repeat``
runs. ``events_seconds`` (finding the trigger events alone) is the baseline in the same run: the
rest is the replay through ``enrolment.enter``.

Target: under 2 s for the default world (scale 1). The load average is reported since the
machine may be shared.

    PYTHONPATH=benchmarks .venv/bin/python benchmarks/bench_playbook_dry_run.py --scales 1 10
    PYTHONPATH=benchmarks .venv/bin/python benchmarks/bench_playbook_dry_run.py --keep /tmp/w
    PYTHONPATH=benchmarks .venv/bin/python benchmarks/bench_playbook_dry_run.py --database URL
"""

import argparse
import json
import os
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspersona.config import load_settings
from cspersona.customers.models import Customer
from cspersona.db.engine import make_engine, make_session_factory
from cspersona.playbooks import service
from cspersona.playbooks.definition import PlaybookDefinition
from cspersona.playbooks.dry_run import dry_run, replay_end
from cspersona.playbooks.models import Playbook
from cspersona.playbooks.triggers import find_events
from user_path import load_world

SECRET = "b" * 32
DAYS = 180
PLAYBOOKS = [
    {"name": "bench: NPS drop", "trigger": {"kind": "nps_drop", "points": 3}},
    {"name": "bench: renewal", "trigger": {"kind": "renewal_within", "days": 90}},
    {"name": "bench: persona switch", "trigger": {"kind": "persona_switch"}},
    {"name": "bench: expansion now", "trigger": {"kind": "expansion_now"}},
]
STEPS = [
    {"title": "Call the sponsor", "kind": "call", "due_days": 1},
    {"title": "Send the plan", "kind": "email", "due_days": 7},
]


def add_playbooks(db_session: Session) -> None:
    """The benchmark's playbooks, unless a previous run left them."""
    taken = set(db_session.scalars(select(Playbook.name)))
    for spec in PLAYBOOKS:
        if spec["name"] not in taken:
            definition = PlaybookDefinition.model_validate({**spec, "steps": STEPS})
            service.create(db_session=db_session, definition=definition, by="bench")
    db_session.flush()


def timed(db_session: Session, repeat: int) -> dict[str, object]:
    """Warm up, then the median seconds of the replay and of finding its events alone."""
    at = replay_end(db_session)
    playbooks = list(db_session.scalars(select(Playbook).where(Playbook.name.like("bench:%"))))
    report = dry_run(db_session, at=at, days=DAYS)
    replays, finds = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        for playbook in playbooks:
            find_events(
                db_session,
                playbook.definition.trigger,
                since=at - timedelta(days=DAYS),
                until=at,
            )
        finds.append(time.perf_counter() - started)
        started = time.perf_counter()
        dry_run(db_session, at=at, days=DAYS)
        replays.append(time.perf_counter() - started)
    return {
        "customers": db_session.scalar(select(func.count()).select_from(Customer)),
        "events": report.events,
        "entries": len(report.entries),
        "seconds": round(statistics.median(replays), 3),
        "events_seconds": round(statistics.median(finds), 3),
        "load_average": round(os.getloadavg()[0], 1),
    }


def bench_url(url: str, repeat: int) -> dict[str, object]:
    """Time the replay on the database at ``url``; the playbooks are rolled back afterwards."""
    engine = make_engine(url)
    with make_session_factory(engine)() as db_session:
        add_playbooks(db_session)
        result = timed(db_session, repeat)
        db_session.rollback()
    engine.dispose()
    return result


def world_url(folder: Path, *, seed: int, scale: float) -> str:
    """The database of a world generated and imported under ``folder``, reused when there."""
    if (folder / "data" / "cspersona.db").exists():
        return load_settings(data_dir=folder / "data", secret_key=SECRET).sqlalchemy_url
    settings = load_world(folder, seed=seed, scale=scale, secret_key=SECRET, stages=[])
    return settings.sqlalchemy_url


def main() -> None:
    """Time each scale's world, then ``--database`` if given; one JSON line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="*", default=[1.0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database", help="Also time this database URL (left unchanged).")
    parser.add_argument("--keep", type=Path, help="Keep (and reuse) the worlds in this folder.")
    args = parser.parse_args()
    for scale in args.scales:
        with tempfile.TemporaryDirectory() as temporary:
            folder = (args.keep or Path(temporary)) / f"scale-{scale:g}"
            result = bench_url(world_url(folder, seed=args.seed, scale=scale), args.repeat)
        print(json.dumps({"world": f"scale {scale:g}", **result}), flush=True)
    if args.database:
        print(json.dumps({"world": args.database, **bench_url(args.database, args.repeat)}))


if __name__ == "__main__":
    main()
