"""Speed and memory of ``cspersona generate``: one JSON line per scale.

Each scale runs in a fresh process (so peak memory is that run's alone) and writes the dataset
to a temporary folder, exactly as ``cspersona generate --out DIR`` does. The target: the default
volume (scale 1) in under 15 s on a 2-core machine, with peak memory flat as the scale grows.

    .venv/bin/python benchmarks/bench_generate.py                 # scale 1
    .venv/bin/python benchmarks/bench_generate.py --scales 1 4    # memory flat?
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def measure(scale: float, file_format: str, seed: int) -> dict[str, object]:
    """Generate one world into a temporary folder and time it (runs in the child process)."""
    from cspersona.catalogue.models import load_catalogue
    from cspersona.synth.files import FileSink
    from cspersona.synth.service import generate
    from cspersona.synth.world import World

    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        world = World(seed=seed, scale=scale, catalogue=load_catalogue())
        with FileSink(
            Path(folder) / "world",
            file_format="csv" if file_format == "csv" else "jsonl",
            overwrite=False,
            world=world,
        ) as sink:
            summary = generate(world=world, sinks=[sink])
        seconds = time.perf_counter() - started
        size = sum(path.stat().st_size for path in Path(folder).rglob("*") if path.is_file())
    messages = summary.rows["messages"]
    return {
        "benchmark": "generate",
        "scale": scale,
        "format": file_format,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(_cpu_seconds(), 2),
        "messages": messages,
        "messages_per_second": round(messages / seconds),
        "interactions": summary.rows["interactions"],
        "usage_rows": summary.rows["usage_daily"],
        "dataset_mb": round(size / 2**20, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _cpu_seconds() -> float:
    """CPU time of this process so far (the machine may be shared: wall time then lies)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    """Run every requested scale in its own process and print its JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0])
    parser.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child is not None:
        print(json.dumps(measure(arguments.child, arguments.format, arguments.seed)))
        return
    for scale in arguments.scales:
        command = [sys.executable, __file__, "--child", str(scale), "--format", arguments.format]
        subprocess.run([*command, "--seed", str(arguments.seed)], check=True)


if __name__ == "__main__":
    main()
